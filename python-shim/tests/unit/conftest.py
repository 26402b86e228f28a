import threading

import pytest

from purebridge import call_runner
from purebridge import client as pb_client
from tests import cinder_objects as objs
from tests import conftest as shared
from tests.unit import fake_service

TOKEN = "T0KEN-must-never-appear-anywhere"


class RecordingRunner(object):
    """Runs each blocking call as production does in this (unpatched) process, and records the
    thread it ran on and its deadline."""

    def __init__(self):
        self.caller_threads = []
        self.worker_threads = []
        self.deadlines = []

    def __call__(self, fn, deadline):
        self.caller_threads.append(threading.get_ident())
        self.deadlines.append(deadline)

        def run():
            self.worker_threads.append(threading.get_ident())
            return fn()
        return call_runner.default_runner()(run, deadline)


@pytest.fixture
def server():
    srv = fake_service.FakeServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def runner():
    return RecordingRunner()


@pytest.fixture
def make_driver(server, section, runner):
    """Builds a driver of the given class for a fresh section pointing at the fake server."""
    def build(driver_cls, setup=True, **overrides):
        def client_factory(endpoint, timeout):
            return pb_client.PureBridgeClient(
                endpoint, timeout, runner=runner, backoff=0.01,
                attempts=3)
        conf = shared.make_configuration(section)
        drv = driver_cls(configuration=conf, host="cinder-1@" + section,
                         active_backend_id=overrides.pop(
                             "active_backend_id", None),
                         client_factory=client_factory)
        values = {"purebridge_endpoint": server.endpoint,
                  "purebridge_timeout": 5.0,
                  "san_ip": "sim://pure-primary",
                  "pure_api_token": TOKEN}
        values.update(overrides)
        shared.override(section, **values)
        if setup:
            drv.do_setup(None)
        return drv
    return build


@pytest.fixture
def ctxt():
    return objs.admin_context()


@pytest.fixture
def volume(ctxt):
    return objs.make_volume(ctxt, id=objs.VOLUME_ID, size=2)


@pytest.fixture
def snapshot(ctxt, volume):
    return objs.make_snapshot(volume, ctxt, id=objs.SNAPSHOT_ID)
