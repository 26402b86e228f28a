"""The service jar with its REST 2.x front end, and py-pure-client on it."""


import pytest

from tests.service import running_service

ARRAY = "pure-primary"


@pytest.fixture(scope="package")
def service():
    with running_service("pbc-") as svc:
        yield svc


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
