"""The real purebridge service jar (driver-server) as a child process."""

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid

# py-pure-client is in requirements-dev.txt (make venv): a missing SDK fails loudly
# instead of skipping the REST suites.
from pypureclient import flasharray
from pypureclient.configuration import Configuration
import pytest

JAVA = shutil.which("java")
START_TIMEOUT_S = 90
ARRAYS = ("pure-primary", "pure-sync", "pure-dr")
# ServerMain prints one such line per array before "purebridge serving on".
_REST_LINE = re.compile(r"purebridge REST 2\.x endpoint for (\S+): "
                        r"san_ip = (\S+) \(CA bundle (.+)\)$")
# ServerMain prints one such line per offload target, e.g. the embedded S3 server's offload-s3.
_OFFLOAD_LINE = re.compile(r"purebridge offload target (\S+): (s3://\S+) at (\S+)")


class RestEndpoint(object):
    """Where the REST 2.x front end serves one simulated array."""

    def __init__(self, san_ip, ca_bundle):
        self.san_ip = san_ip
        self.ca_bundle = ca_bundle

    @property
    def port(self):
        return int(self.san_ip.rsplit(":", 1)[1])

    def vendor_client(self, api_token, user_agent):
        """py-pure-client logged in here, the certificate checked against the CA bundle.

        py-pure-client 1.96.0 ignores Client(ssl_cert=...): it stores the path as
        `ssl_cert` while its transport reads `ssl_ca_cert`, so the bundle goes in
        through a Configuration instead. Log out with
        client._token_man.close_session() while the service still runs (else the
        SDK tries at exit).
        """
        return flasharray.Client(
            target=self.san_ip, api_token=api_token, verify_ssl=True,
            configuration=Configuration(ssl_ca_cert=self.ca_bundle),
            user_agent=user_agent)


class Service(object):
    """java -jar driver-server: three simulated arrays, on a unix socket.

    With s3, the service also runs its embedded S3 server ([s3] enabled = true), which becomes
    its offload target offload-s3 (bucket purebridge-offload, data under its data dir).
    """

    def __init__(self, jar, workdir, rest=True, s3=False):
        self.jar = jar
        self.workdir = workdir
        self.data_dir = os.path.join(workdir, "data")
        self.socket = os.path.join(workdir, "pb.sock")
        self.endpoint = "unix:" + self.socket
        self.tokens = {name: str(uuid.uuid4()) for name in ARRAYS}
        self.rest = {}
        # Offload target name -> (s3://bucket, endpoint URL), as the service printed them.
        self.offload_targets = {}
        self.config = os.path.join(workdir, "purebridge-server.ini")
        with open(self.config, "w") as f:
            f.write("[server]\ndata_dir = %s\nlisten_socket = %s\n\n[arrays]\n"
                    % (self.data_dir, self.socket))
            for name, token in self.tokens.items():
                f.write("%s = %s\n" % (name, token))
            f.write("\n[rest]\nenabled = %s\n" % ("true" if rest else "false"))
            if s3:
                f.write("\n[s3]\nenabled = true\nbind_address = 127.0.0.1\nport = 0\n")
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
            rest = _REST_LINE.search(line.rstrip("\n"))
            if rest:
                self.rest[rest.group(1)] = RestEndpoint(rest.group(2),
                                                        rest.group(3))
            offload = _OFFLOAD_LINE.search(line)
            if offload:
                self.offload_targets[offload.group(1)] = (offload.group(2),
                                                          offload.group(3))
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


def server_jar():
    return os.environ.get("PUREBRIDGE_SERVER_JAR") or os.path.join(
        os.path.dirname(__file__), "..", "..", "driver-server", "target",
        "driver-server-0.1.0-SNAPSHOT-all.jar")


def jar_or_skip():
    """The service jar's path; skips when the jar or java is missing."""
    jar = os.path.abspath(server_jar())
    if not os.path.isfile(jar):
        pytest.skip("purebridge service jar %s is missing: run `make build` "
                    "first (make test does)" % jar)
    if JAVA is None:
        pytest.skip("java is not installed")
    return jar


@contextlib.contextmanager
def running_service(prefix, workdir=None, s3=False):
    """A started service in its own data dir (a fresh temporary one unless given), stopped and
    removed on exit; with s3, its embedded S3 server is its offload target offload-s3. Prefixes
    stay short: unix socket paths are limited to 107 bytes."""
    own_dir = workdir is None
    path = tempfile.mkdtemp(prefix=prefix) if own_dir else workdir
    svc = Service(jar_or_skip(), path, s3=s3).start()
    try:
        yield svc
    finally:
        svc.stop()
        if own_dir:
            shutil.rmtree(path, ignore_errors=True)
