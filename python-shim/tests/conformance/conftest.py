"""The service jar with its REST 2.x front end, and py-pure-client on it."""

import shutil
import tempfile

# py-pure-client is in requirements-dev.txt (make venv): a missing SDK fails loudly
# instead of skipping the suite.
from pypureclient import flasharray
from pypureclient.configuration import Configuration
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
    """Logged in with the api_token, the certificate checked against the
    CA bundle.

    py-pure-client 1.96.0 ignores Client(ssl_cert=...): it stores the path as
    `ssl_cert` while its transport reads `ssl_ca_cert`, so the bundle goes in
    through a Configuration instead.
    """
    client = flasharray.Client(target=endpoint.san_ip,
                               api_token=service.tokens[ARRAY],
                               verify_ssl=True,
                               configuration=Configuration(
                                   ssl_ca_cert=endpoint.ca_bundle),
                               user_agent="purebridge conformance test")
    yield client
    # Log out while the service still runs (else the SDK tries at exit).
    client._token_man.close_session()
