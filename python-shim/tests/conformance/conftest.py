"""The service jar with its REST 2.x front end, and py-pure-client on it."""

import shutil
import tempfile

import pytest

from tests.service import jar_or_skip
from tests.service import Service

ARRAY = "pure-primary"


@pytest.fixture(scope="package")
def service():
    workdir = tempfile.mkdtemp(prefix="pbc-")
    svc = Service(jar_or_skip(), workdir).start()
    yield svc
    svc.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="package")
def endpoint(service):
    assert ARRAY in service.rest, (
        "the service printed no REST endpoint line for %s: %s"
        % (ARRAY, "".join(service.output)))
    return service.rest[ARRAY]


@pytest.fixture(scope="package")
def client(service, endpoint):
    """Logged in with the api_token, the certificate checked against the CA bundle."""
    client = endpoint.vendor_client(service.tokens[ARRAY],
                                    "purebridge conformance test")
    yield client
    # Log out while the service still runs (else the SDK tries at exit).
    client._token_man.close_session()
