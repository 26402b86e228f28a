"""Starts the real purebridge service jar (driver-server) for the functional tests."""

import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from purebridge import client as pb_client
from tests import conftest as shared

JAVA = shutil.which("java")
START_TIMEOUT_S = 90
ARRAYS = ("pure-primary", "pure-sync", "pure-dr")


class Service(object):
    """One java -jar driver-server process with three simulated arrays, on a unix socket."""

    def __init__(self, jar, workdir):
        self.jar = jar
        self.workdir = workdir
        self.data_dir = os.path.join(workdir, "data")
        self.socket = os.path.join(workdir, "pb.sock")
        self.endpoint = "unix:" + self.socket
        self.tokens = {name: str(uuid.uuid4()) for name in ARRAYS}
        self.config = os.path.join(workdir, "purebridge-server.ini")
        with open(self.config, "w") as f:
            f.write("[server]\ndata_dir = %s\nlisten_socket = %s\n\n[arrays]\n"
                    % (self.data_dir, self.socket))
            for name, token in self.tokens.items():
                f.write("%s = %s\n" % (name, token))
        self.proc = None
        self.output = []

    def start(self):
        log = open(os.path.join(self.workdir, "service.log"), "a")
        self.proc = subprocess.Popen(
            [JAVA, "-jar", self.jar, "--config", self.config],
            stdout=subprocess.PIPE, stderr=log, text=True)
        lines = queue.Queue()

        def pump(stream):
            for line in stream:
                self.output.append(line)
                lines.put(line)
        threading.Thread(target=pump, args=(self.proc.stdout,),
                         daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if "purebridge serving on" in line:
                return self
        self.stop()
        raise AssertionError("purebridge service did not start; see %s"
                             % os.path.join(self.workdir, "service.log"))

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _jar():
    jar = os.path.abspath(shared.server_jar())
    if not os.path.isfile(jar):
        pytest.skip("purebridge service jar %s is missing: run `make build` "
                    "first (make test does)" % jar)
    if JAVA is None:
        pytest.skip("java is not installed")
    return jar


@pytest.fixture
def start_service():
    """Factory: starts a fresh service (own data dir); stopped at teardown."""
    started = []
    # A short path: unix socket paths are limited to 107 bytes.
    workdir = tempfile.mkdtemp(prefix="pbf-")

    def start():
        svc = Service(_jar(), workdir).start()
        started.append(svc)
        return svc
    yield start
    for svc in started:
        svc.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def service():
    workdir = tempfile.mkdtemp(prefix="pbf-")
    svc = Service(_jar(), workdir).start()
    yield svc
    svc.stop()
    shutil.rmtree(workdir, ignore_errors=True)


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
