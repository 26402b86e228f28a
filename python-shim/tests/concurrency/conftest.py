"""Children patched as cinder-volume is (or not), against the real service or a silent peer."""

import json
import os
import socket
import subprocess
import sys

import threading

import pytest

from tests.service import running_service
from tests.unit import fake_service

SHIM_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def run_child(module, *args, timeout):
    """Runs python -m module args in the shim's root; returns its last stdout line as JSON."""
    try:
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-m", module] +
            [str(a) for a in args],
            cwd=SHIM_ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError("%s hung (no exit within %d s); its stderr: %s"
                             % (module, timeout,
                                _text(hung.stderr)[-3000:])) from None
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _text(output):
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


@pytest.fixture(scope="package")
def service():
    with running_service("pbc-") as svc:
        yield svc


@pytest.fixture
def silent_endpoint():
    """A TCP port that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    yield "127.0.0.1:%d" % sock.getsockname()[1]
    sock.close()


@pytest.fixture
def hung_service():
    """A gRPC service that takes every call and never answers it (an array that hangs)."""
    server = fake_service.FakeServer().start()
    release = threading.Event()
    server.service.always("GetVolumeStats",
                          lambda request, context: release.wait(30))
    yield server.endpoint
    release.set()
    server.stop()
