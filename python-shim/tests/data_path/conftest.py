"""A real purebridge service (driver-server jar) with one simulated array."""

import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

JAVA = shutil.which("java")
ARRAY = "pure-primary"


def _jar():
    jar = os.environ.get("PUREBRIDGE_SERVER_JAR") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "driver-server",
        "target", "driver-server-0.1.0-SNAPSHOT-all.jar")
    jar = os.path.abspath(jar)
    if not os.path.isfile(jar) or JAVA is None:
        pytest.skip("needs java and the service jar %s (make build)" % jar)
    return jar


class DataService(object):
    def __init__(self, workdir):
        self.socket = os.path.join(workdir, "pb.sock")
        self.endpoint = "unix:" + self.socket
        self.token = str(uuid.uuid4())
        self.config = os.path.join(workdir, "server.ini")
        with open(self.config, "w") as f:
            f.write("[server]\ndata_dir = %s\nlisten_socket = %s\n\n"
                    "[arrays]\n%s = %s\n" % (os.path.join(workdir, "data"),
                                             self.socket, ARRAY, self.token))
        self.log = os.path.join(workdir, "service.log")
        self.proc = None

    def start(self, jar):
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen([JAVA, "-jar", jar, "--config",
                                          self.config],
                                         stdout=subprocess.PIPE, stderr=log,
                                         text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in
                                         self.proc.stdout],
                         daemon=True).start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if "purebridge serving on" in lines.get(timeout=0.5):
                    return self
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
        self.stop()
        raise AssertionError("service did not start; see %s" % self.log)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture(scope="module")
def data_service():
    jar = _jar()
    workdir = tempfile.mkdtemp(prefix="pbd-")
    svc = DataService(workdir).start(jar)
    yield svc
    svc.stop()
    shutil.rmtree(workdir, ignore_errors=True)
