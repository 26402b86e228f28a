"""The processes of the end-to-end stack: RabbitMQ, the DevStack harness, Cinder's services.

Every process is started here in its own session, on 127.0.0.1 and free ports, and stopped by
its PID (its process group) when the suite ends.
"""

import os
import signal
import socket
import subprocess
import time

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(what, predicate, timeout, interval=0.2, alive=None):
    """Polls predicate() until it returns a true value, which is returned.

    alive, when given, is called each round and returns an error text when waiting is pointless
    (the process died); that text is raised at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if alive is not None:
            problem = alive()
            if problem:
                raise AssertionError("%s: %s" % (what, problem))
        if time.monotonic() >= deadline:
            raise AssertionError("%s: not within %.0f s" % (what, timeout))
        time.sleep(interval)


class Process(object):
    """One background command, in its own process group, output to a log file."""

    def __init__(self, name, argv, log_path, env=None, cwd=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env, cwd=self.cwd,
                                     start_new_session=True)
        log.close()
        return self

    def exited(self):
        """None while running, else a sentence saying how it ended."""
        if self.proc is None or self.proc.poll() is None:
            return None
        return "%s exited with status %s; see %s" % (self.name, self.proc.returncode,
                                                      self.log_path)

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        # Children that outlived the leader (oslo.service workers) go with the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _pids_named(name):
    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % entry) as f:
                if f.read().strip() == name:
                    pids.add(int(entry))
        except OSError:
            continue
    return pids


class RabbitMQ(object):
    """A RabbitMQ node of its own (name, ports, data directory) for one run."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "rabbitmq")
        self.port = free_port()
        self.dist_port = free_port()
        self.node = "e2e-%d@localhost" % self.port
        self.url = "rabbit://guest:guest@127.0.0.1:%d/" % self.port
        self.process = None
        self._epmd_before = set()

    def start(self, timeout=90):
        if not os.access(RABBITMQ_SERVER, os.X_OK):
            raise AssertionError("RabbitMQ is not installed (%s): run `make e2e`, which installs "
                                 "Debian's rabbitmq-server" % RABBITMQ_SERVER)
        os.makedirs(os.path.join(self.dir, "log"), exist_ok=True)
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[].\n")
        with open(os.path.join(self.dir, "rabbitmq.conf"), "w") as f:
            f.write("listeners.tcp.default = 127.0.0.1:%d\n" % self.port)
        env = dict(os.environ)
        env.update(
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"),
            RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"),
            RABBITMQ_PID_FILE=os.path.join(self.dir, "rabbitmq.pid"),
            RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, "enabled_plugins"),
            RABBITMQ_CONFIG_FILE=os.path.join(self.dir, "rabbitmq"),
            RABBITMQ_LOGS="-",
            ERL_EPMD_ADDRESS="127.0.0.1",
            # Erlang distribution only between this machine's nodes.
            RABBITMQ_SERVER_ERL_ARGS="+P 65536 -kernel inet_dist_use_interface {127,0,0,1}",
        )
        self._epmd_before = _pids_named("epmd")
        self.process = Process("rabbitmq", [RABBITMQ_SERVER],
                               os.path.join(self.dir, "rabbitmq.log"), env=env).start()
        wait_for("RabbitMQ listening on 127.0.0.1:%d" % self.port,
                 lambda: port_open(self.port), timeout, interval=0.5,
                 alive=self.process.exited)

    def stop(self):
        if self.process is not None:
            self.process.stop()
        # epmd daemonizes away from our process group; stop the one this run started.
        for pid in _pids_named("epmd") - self._epmd_before:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

