"""Starts the real purebridge service jar (driver-server) for the functional tests."""

import shutil
import tempfile

import pytest

from purebridge import client as pb_client
from tests import conftest as shared
from tests.functional.admin import Admin
from tests.service import jar_or_skip
from tests.service import running_service
from tests.service import Service


@pytest.fixture
def start_service():
    """Factory: starts a fresh service (own data dir); stopped at teardown."""
    started = []
    # A short path: unix socket paths are limited to 107 bytes.
    workdir = tempfile.mkdtemp(prefix="pbf-")

    def start():
        svc = Service(jar_or_skip(), workdir).start()
        started.append(svc)
        return svc
    yield start
    for svc in started:
        svc.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def service():
    with running_service("pbf-") as svc:
        yield svc


@pytest.fixture
def admin(service):
    """Checksums and replication controls on the module's service."""
    api = Admin(service)
    yield api
    api.close()


@pytest.fixture
def make_driver(section):
    """Builds and sets up a driver of the given class against a service."""
    def build(driver_cls, svc, setup=True, **overrides):
        def client_factory(endpoint, timeout):
            return pb_client.PureBridgeClient(endpoint, timeout, backoff=0.2,
                                              attempts=4)
        drv = driver_cls(configuration=shared.make_configuration(section),
                         host="cinder-func@" + section,
                         client_factory=client_factory)
        values = {"purebridge_endpoint": svc.endpoint,
                  "purebridge_timeout": 30.0,
                  "san_ip": "sim://pure-primary",
                  "pure_api_token": svc.tokens["pure-primary"]}
        values.update(overrides)
        shared.override(section, **values)
        if setup:
            drv.do_setup(None)
        return drv
    return build
