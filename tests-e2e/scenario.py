"""The steps of the end-to-end suite and the stack they run on (see run_e2e.py)."""

import configparser
import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import time

import arrays as arrays_mod
from cinder_cli import Cinder, PROJECT
from nova_standin import NovaStandIn
from offload_steps import OffloadSteps, REST_ARRAY, REST_BACKEND, add_rest_backend
from processes import free_port, Process, RabbitMQ, wait_for

SETUP_STEPS = ["rabbitmq", "devstack-stack", "cinder-services", "volume-types"]
SCENARIO_STEPS = ["lifecycle", "attach-detach", "concurrency", "bad-replication-type",
                  "oversize-volume", "offload", "offload-rest", "service-down", "failover"]
FINAL_STEPS = ["cleanup", "arrays-clean"]
# Without these nothing else can work.
FATAL_STEPS = {"rabbitmq", "devstack-stack", "cinder-services"}

HOST = "e2e"
BACKEND = "puredriver-1"
SERVICE_HOST = "%s@%s" % (HOST, BACKEND)
REST_SERVICE_HOST = "%s@%s" % (HOST, REST_BACKEND)
# Volume type -> replication mode; puredriver-1 is the plain type DevStack makes per backend.
TYPES = [(BACKEND, None), ("SyncReplicated", "sync"), ("AsyncReplicated", "async"),
         ("TriSync", "trisync")]
MODE_OF_TYPE = dict(TYPES)
RETYPE_TO = {BACKEND: "SyncReplicated", "SyncReplicated": "AsyncReplicated",
             "AsyncReplicated": "TriSync", "TriSync": BACKEND}
DATA_BYTES = 65536
GIB = 1024 ** 3
SERVER_ID = "5f4c1d2e-0000-4000-8000-0000000e2e01"
INITIATOR = "iqn.1993-08.org.debian:01:e2e000000001"
# The user message of a create no backend can take.
NO_BACKEND = "Could not find any available weighted backend"

_DESCRIPTIONS = {
    "rabbitmq": "a RabbitMQ node of its own on 127.0.0.1",
    "devstack-stack": "the DevStack plugin's stack phases (harness): cinder.conf, service config, "
                      "the purebridge service with pure-primary, pure-sync, pure-dr",
    "cinder-services": "cinder-manage db sync; cinder-api (noauth), -scheduler, -volume up; "
                       "a Nova stand-in",
    "volume-types": "the plugin's extra phase: SyncReplicated, AsyncReplicated, TriSync, "
                    "Offloaded (and DevStack's plain puredriver-1)",
    "lifecycle": "per type: create, bytes, snapshot, clone, from-snapshot, extend, retype; "
                 "checked on the arrays",
    "attach-detach": "attachment with an iSCSI connector, host and connection on the array, "
                     "detach (Nova asked)",
    "concurrency": "10 cinder create at once",
    "bad-replication-type": "a type with replication_type <in> quadsync: error, user message",
    "oversize-volume": "over quota: refused; over the array's capacity: error, user message",
    "offload": "snapshot-create --metadata purebridge:offload=offload-s3 (embedded S3 server); "
               "OffloadAdminService and REST list it; create --metadata purebridge:restore_from: "
               "the right size, bytes equal",
    "offload-rest": "a second backend reaching pure-dr over REST: snapshot-create --metadata "
                    "purebridge:offload: the array sends it itself (no transient volume left); "
                    "restore_from on the first backend: bytes equal",
    "service-down": "purebridge service stopped under cinder-volume: error naming it; serves "
                    "again once back",
    "failover": "failover-host to an unknown backend_id, to pure-dr (bytes read there), "
                "failback",
    "cleanup": "delete every snapshot and volume through the CLI",
    "arrays-clean": "no volumes, hosts, connections or stray snapshots left on any array (REST)",
}


def describe(step):
    return _DESCRIPTIONS.get(step, "")


def sha256(data):
    return hashlib.sha256(data).hexdigest()



def _cinder_env():
    """The environment of the suite's Cinder processes: cinder-site/sitecustomize.py makes their
    sqlite transactions take the write lock when they begin."""
    site = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cinder-site")
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONWARNINGS="ignore",
                PYTHONPATH=site + (os.pathsep + path if path else ""))


def _write_ahead_log(conf_path):
    """Puts the suite's sqlite database in WAL mode (kept in the file).

    Three Cinder processes write one sqlite file. In the default rollback journal a reader holds
    the file against a writer, and a transaction that read first and then writes is refused at once
    with 'database is locked' (the ?timeout=30 busy wait does not apply to that case): seen as
    HTTP 500s and as a retype cinder-volume could not record. In WAL mode readers never block the
    writer, and writers wait their turn.
    """
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(conf_path)
    url = parser.get("database", "connection")
    path = url.split("sqlite:///", 1)[1].split("?", 1)[0]
    with contextlib.closing(sqlite3.connect(path)) as db:
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    assert mode == "wal", "sqlite refused WAL mode for %s: %s" % (path, mode)

class Suite(OffloadSteps):
    plain_type = BACKEND

    def __init__(self, repo, workdir, venv, jar):
        self.repo = repo
        self.workdir = workdir
        self.venv = os.path.abspath(venv)
        self.bin = os.path.join(self.venv, "bin")
        self.jar = jar
        self.logs = os.path.join(workdir, "logs")
        os.makedirs(self.logs)
        self.harness_dir = os.path.join(workdir, "devstack")
        self.conf = os.path.join(self.harness_dir, "etc", "cinder", "cinder.conf")
        self.service_conf = os.path.join(self.harness_dir, "etc", "purebridge",
                                         "purebridge-server.ini")
        self.service_log = os.path.join(self.harness_dir, "logs", "purebridge.log")
        self.socket = os.path.join(self.harness_dir, "data", "purebridge", "purebridge.sock")
        self.api_port = free_port()
        self.rabbit = None
        self.nova = None
        self.cinder = None
        self.arrays = None
        self.services = {}
        self.originals = None  # type -> volume id, once lifecycle made them
        self.failed_over = set()  # ids of volumes failover brought up on pure-dr

    # -- running steps ---------------------------------------------------------------------

    def run_step(self, name):
        return getattr(self, "step_" + name.replace("-", "_"))()

    def harness(self, phase, timeout=180):
        env = dict(os.environ)
        env.update(
            HARNESS_DIR=self.harness_dir, HARNESS_LIVE="1", OFFLINE="True",
            PATH=self.bin + os.pathsep + env.get("PATH", ""),
            PUREBRIDGE_SERVER_JAR=self.jar, PUREBRIDGE_PYTHON=os.path.join(self.bin, "python"),
            PUREBRIDGE_JAVA_OPTS="-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            # The suite checks that deleted volumes leave nothing behind on the arrays.
            PUREBRIDGE_ERADICATE_ON_DELETE="True",
            PUREBRIDGE_NOAUTH_PROJECT_ID=PROJECT,
            CINDER_SERVICE_PORT=str(self.api_port), HARNESS_CINDER_HOST=HOST,
            HARNESS_CINDER_ETC=os.path.join(self.venv, "etc", "cinder"),
            HARNESS_TRANSPORT_URL=self.rabbit.url if self.rabbit else "",
            HARNESS_NOVA_AUTH_URL=self.nova.auth_url if self.nova else "",
            SERVICE_TIMEOUT="90", PYTHONWARNINGS="ignore")
        log = os.path.join(self.logs, "harness-%s.log" % phase)
        with open(log, "a") as out:
            proc = subprocess.run([os.path.join(self.repo, "devstack", "tests", "harness.sh"),
                                   phase], env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
        if proc.returncode != 0:
            with open(log) as f:
                tail = f.read().strip().splitlines()[-5:]
            raise AssertionError("devstack/tests/harness.sh %s failed (rc=%d):\n%s"
                                 % (phase, proc.returncode, "\n".join(tail)))

    def _log_has(self, service, text):
        path = os.path.join(self.harness_dir, "logs", "%s.log" % service)
        if not os.path.exists(path):
            return False
        with open(path, errors="replace") as f:
            return text in f.read()

    # -- setup ---------------------------------------------------------------------------------

    def step_rabbitmq(self):
        self.rabbit = RabbitMQ(self.workdir)
        self.rabbit.start()
        return "node %s on 127.0.0.1:%d" % (self.rabbit.node, self.rabbit.port)

    def step_devstack_stack(self):
        # Cinder's [nova] section points at the stand-in, which must exist before the config.
        self.nova = NovaStandIn(free_port()).start()
        self.harness("stack")
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(self.conf)
        section = parser[BACKEND]
        assert section["volume_driver"] == "purebridge.driver.PureISCSIDriver", dict(section)
        devices = [line for line in open(self.conf) if line.startswith("replication_device")]
        assert len(devices) == 2, "cinder.conf has %d replication_device lines" % len(devices)
        wait_for("the service's REST front end", lambda: self._log_has(
            "purebridge", "purebridge serving on"), 30)
        self.arrays = arrays_mod.Arrays(self.service_log, self.service_conf,
                                        "unix:" + self.socket)
        add_rest_backend(self.conf, BACKEND, self.arrays[REST_ARRAY])
        return "service up; [%s] with %d replication_device lines; [%s] over REST" % (
            BACKEND, len(devices), REST_BACKEND)

    def _start_cinder_service(self, name):
        process = Process("cinder-" + name, [os.path.join(self.bin, "cinder-" + name),
                                             "--config-file", self.conf],
                          os.path.join(self.logs, "cinder-%s.stdout" % name),
                          env=_cinder_env(), cwd=self.workdir)
        self.services[name] = process.start()

    def _wait_volume_service_up(self, timeout, stats=True):
        """Waits for cinder-volume and cinder-scheduler to report up and, with stats, for the
        backend's stats to reach the scheduler (a disabled service has none)."""
        def up():
            service = self.cinder.volume_service(SERVICE_HOST)
            scheduler = [s for s in self.cinder.services() if s["binary"] == "cinder-scheduler"]
            return (service and service["state"] == "up" and scheduler and
                    scheduler[0]["state"] == "up" and (not stats or self._pool()))
        wait_for("cinder-volume %s and cinder-scheduler up%s"
                 % (SERVICE_HOST, ", backend stats at the scheduler" if stats else ""),
                 lambda: self._quiet(up), timeout, interval=0.5, alive=self._cinder_alive)

    def _quiet(self, predicate):
        try:
            return predicate()
        except Exception:  # noqa: BLE001 - still starting
            return False

    def _cinder_alive(self):
        for process in self.services.values():
            problem = process.exited()
            if problem:
                return problem
        return None

    def _pool(self, host=SERVICE_HOST):
        pools = self.cinder.get("/scheduler-stats/get_pools?detail=True")["pools"]
        for pool in pools:
            if pool["name"].startswith(host + "#"):
                return pool
        return None

    def wait_rest_backend(self, timeout):
        """Waits for the REST backend's stats to reach the scheduler."""
        wait_for("%s's stats at the scheduler" % REST_SERVICE_HOST,
                 lambda: self._quiet(lambda: self._pool(REST_SERVICE_HOST)), timeout,
                 interval=0.5, alive=self._cinder_alive)

    def step_cinder_services(self):
        self.cinder = Cinder(self.bin, self.api_port, os.path.join(self.logs, "cli.log"))
        subprocess.run([os.path.join(self.bin, "cinder-manage"), "--config-file", self.conf,
                        "db", "sync"], check=True, stdout=subprocess.DEVNULL,
                       stderr=open(os.path.join(self.logs, "db-sync.log"), "w"),
                       env=_cinder_env(), timeout=180)
        _write_ahead_log(self.conf)
        for name in ("api", "scheduler", "volume"):
            self._start_cinder_service(name)
        wait_for("cinder-api on 127.0.0.1:%d" % self.api_port, self.cinder.api_up, 90,
                 interval=0.5, alive=self._cinder_alive)
        self._wait_volume_service_up(120)
        rows = self.cinder("service-list", "--withreplication").rows()
        row = [r for r in rows if r["Host"] == SERVICE_HOST]
        assert row and row[0]["Status"] == "enabled" and row[0]["State"] == "up", rows
        assert row[0]["Replication Status"] == "enabled", row[0]
        # The suite makes more than the default 10 volumes and snapshots; the gigabytes quota
        # stays (oversize-volume shows it refusing).
        self.cinder("quota-update", "--volumes", "-1", "--snapshots", "-1", PROJECT)
        pool = self._pool()["capabilities"]
        return "%s up, replication %s, targets %s" % (
            SERVICE_HOST, row[0]["Replication Status"], pool.get("replication_targets"))

    def step_volume_types(self):
        self.harness("extra")
        # config-samples/create-volume-types.sh: leaves the plugin's types alone, makes a new one.
        script = os.path.join(self.repo, "config-samples", "create-volume-types.sh")
        env = dict(self.cinder.env, PATH=self.bin + os.pathsep + os.environ["PATH"],
                   PUREBRIDGE_CINDER_NOAUTH="1")
        again = subprocess.run([script, BACKEND], env=env, capture_output=True, text=True,
                               timeout=120)
        assert again.returncode == 0 and again.stdout.count("exists; left as it is") == 4, \
            "create-volume-types.sh again: rc=%d %s%s" % (again.returncode, again.stdout,
                                                          again.stderr)
        new = subprocess.run([script, BACKEND], env=dict(env, PUREBRIDGE_TYPES="e2e-script:async"),
                             capture_output=True, text=True, timeout=120)
        assert new.returncode == 0 and "e2e-script created" in new.stdout, new.stdout + new.stderr
        specs = {r["Name"]: r["extra_specs"] for r in self.cinder("extra-specs-list").rows()}
        assert "'replication_type': '<in> async'" in specs.get("e2e-script", ""), specs
        for name, mode in TYPES:
            assert name in specs, "no volume type %s: %s" % (name, specs)
            assert "'volume_backend_name': '%s'" % BACKEND in specs[name], specs[name]
            if mode:
                assert "'replication_type': '<in> %s'" % mode in specs[name], specs[name]
                assert "'replication_enabled': '<is> True'" in specs[name], specs[name]
        return ", ".join(name for name, _ in TYPES) + "; create-volume-types.sh idempotent"

    # -- helpers on volumes ----------------------------------------------------------------

    def create(self, name, volume_type, size=1, *extra):
        return self.cinder("create", "--name", name, "--volume-type", volume_type,
                           *extra, size).table()["id"]

    def placed(self, volume_id, mode):
        """Checks where the arrays hold the volume for its replication mode; returns its name
        on pure-primary."""
        primary = self.arrays["pure-primary"].find_volume(volume_id)
        assert primary is not None, "volume %s is not on pure-primary" % volume_id
        name = primary["name"]
        in_pod = name.startswith("cinder-pod::")
        on_sync = self.arrays["pure-sync"].find_volume(volume_id)
        if mode in ("sync", "trisync"):
            assert in_pod, "%s volume %s is not in cinder-pod" % (mode, name)
            assert on_sync is not None and on_sync["name"] == name, \
                "%s volume %s is not on pure-sync" % (mode, name)
        else:
            assert not in_pod, "%s volume %s is in a pod" % (mode or "plain", name)
            assert on_sync is None, "%s volume %s is on pure-sync" % (mode or "plain", name)
        members = {(m["group"]["name"], m["member"]["name"])
                   for m in self.arrays["pure-primary"].items("protection-groups/volumes")}
        groups = {g for g, member in members if member == name}
        want = {"async": {"cinder-group"}, "trisync": {"cinder-pod::cinder-trisync"}}.get(
            mode, set())
        assert groups == want, "volume %s is in protection groups %s, not %s" % (
            name, sorted(groups), sorted(want))
        return name

    def _create_originals(self):
        """One volume of each type with DATA_BYTES of its own pattern; type -> id."""
        ids = {t: self.create("e2e-%s" % t, t) for t, _ in TYPES}
        volumes = self.cinder.wait_volumes(ids.values(), {"available"}, 90,
                                           "one volume of each type")
        for volume_type, mode in TYPES:
            volume = volumes[ids[volume_type]]
            want = "enabled" if mode else "disabled"
            assert volume["replication_status"] == want, \
                "%s volume: replication_status %s, not %s" % (
                    volume_type, volume["replication_status"], want)
            name = self.placed(ids[volume_type], mode)
            written = self.arrays.write("pure-primary", name, arrays_mod.pattern(ids[volume_type]))
            assert written == DATA_BYTES, written
        return ids

    # -- scenario ------------------------------------------------------------------------------

    def step_lifecycle(self):
        ids = self._create_originals()
        self.originals = ids
        snaps = {t: self.cinder("snapshot-create", "--name", "e2e-%s-snap" % t,
                                ids[t]).table()["id"] for t, _ in TYPES}
        self.cinder.wait_snapshots(snaps.values(), {"available"}, 60, "snapshots")
        on_array = [s["name"] for s in self.arrays["pure-primary"].items("volume-snapshots")]
        for volume_type, snap in snaps.items():
            assert any(n.endswith(".snapshot-%s" % snap) for n in on_array), \
                "snapshot of the %s volume not on pure-primary: %s" % (volume_type, on_array)

        clones = {t: self.create("e2e-%s-clone" % t, t, 1, "--source-volid", ids[t])
                  for t, _ in TYPES}
        from_snaps = {t: self.create("e2e-%s-fromsnap" % t, t, 1, "--snapshot-id", snaps[t])
                      for t, _ in TYPES}
        self.cinder.wait_volumes(list(clones.values()) + list(from_snaps.values()),
                                 {"available"}, 90, "clones and volumes from snapshots")
        for volume_type, mode in TYPES:
            want = sha256(arrays_mod.pattern(ids[volume_type]))
            for kind, new in (("clone", clones[volume_type]),
                              ("volume from snapshot", from_snaps[volume_type])):
                name = self.placed(new, mode)
                got = self.arrays.checksum("pure-primary", name, DATA_BYTES)
                assert got == want, "%s of the %s volume holds other bytes" % (kind, volume_type)

        for volume_type, _ in TYPES:
            self.cinder("extend", ids[volume_type], 2)
        self.cinder.wait_volumes(ids.values(), {2}, 60, "extend to 2 GiB", field="size")
        self.cinder.wait_volumes(ids.values(), {"available"}, 60, "extended volumes")
        for volume_type, _ in TYPES:
            size = self.arrays["pure-primary"].find_volume(ids[volume_type])["provisioned"]
            assert size == 2 * GIB, "extended %s volume is %d bytes on the array" % (
                volume_type, size)

        for volume_type, _ in TYPES:
            self.cinder("retype", "--migration-policy", "never", clones[volume_type],
                        RETYPE_TO[volume_type])
        for volume_type, _ in TYPES:
            target = RETYPE_TO[volume_type]
            self.cinder.wait_volumes([clones[volume_type]], {target}, 60,
                                     "retype %s -> %s" % (volume_type, target),
                                     field="volume_type")
        volumes = self.cinder.wait_volumes(clones.values(), {"available"}, 60, "retyped clones")
        for volume_type, _ in TYPES:
            target = RETYPE_TO[volume_type]
            volume = volumes[clones[volume_type]]
            want = "enabled" if MODE_OF_TYPE[target] else "disabled"
            assert volume["replication_status"] == want, \
                "retyped %s -> %s: replication_status %s" % (
                    volume_type, target, volume["replication_status"])
            name = self.placed(clones[volume_type], MODE_OF_TYPE[target])
            got = self.arrays.checksum("pure-primary", name, DATA_BYTES)
            assert got == sha256(arrays_mod.pattern(ids[volume_type])), \
                "retyped clone %s -> %s lost its bytes" % (volume_type, target)
        listing = {r["Name"]: r for r in self.cinder(
            "list", "--fields", "name,status,volume_type,size,replication_status").rows()}
        for volume_type, _mode in TYPES:
            for name, size, kind in (("e2e-%s" % volume_type, "2", volume_type),
                                     ("e2e-%s-fromsnap" % volume_type, "1", volume_type),
                                     ("e2e-%s-clone" % volume_type, "1",
                                      RETYPE_TO[volume_type])):
                row = listing.get(name)
                assert row and (row["Status"], row["Volume_Type"], row["Size"]) == (
                    "available", kind, size), "cinder list: %s is %s" % (name, row)
        return "4 types: create, bytes, snapshot, clone, from-snapshot, extend, retype"

    def step_attach_detach(self):
        volume_id = self.create("e2e-attach", "SyncReplicated")
        self.cinder.wait_volumes([volume_id], {"available"}, 60, "volume to attach")
        name = self.placed(volume_id, "sync")
        result = self.cinder("attachment-create", "--connect", "True",
                             "--initiator", INITIATOR, "--ip", "127.0.0.1",
                             "--host", "e2e-compute", "--platform", "x86_64",
                             "--ostype", "linux2", "--mode", "rw", volume_id, SERVER_ID).table()
        attachment = result["id"]
        # The CLI prints the attachment, then its connection_info (multipath form).
        assert result.get("driver_volume_type") == "iscsi", result
        luns = re.findall(r"\d+", result.get("target_luns", ""))
        portals = result.get("target_portals", "")
        assert luns and "3260" in portals and result.get("target_iqns"), \
            "attachment-create gave no iSCSI target: %s" % result
        lun = int(luns[0])
        primary = self.arrays["pure-primary"]
        hosts = [h for h in primary.items("hosts") if INITIATOR in (h.get("iqns") or [])]
        assert len(hosts) == 1, "pure-primary hosts with %s: %s" % (INITIATOR, hosts)
        connections = [(c["host"]["name"], c["volume"]["name"], c["lun"])
                       for c in primary.items("connections")]
        assert (hosts[0]["name"], name, lun) in connections, \
            "no connection of %s to %s at LUN %s: %s" % (name, hosts[0]["name"], lun,
                                                        connections)
        self.cinder("attachment-complete", attachment)
        self.cinder.wait_volumes([volume_id], {"in-use"}, 30, "attached volume")

        self.cinder("attachment-delete", attachment)
        self.cinder.wait_volumes([volume_id], {"available"}, 60, "detached volume")
        assert self.nova.asked_about(SERVER_ID, volume_id), \
            "Cinder did not ask Nova about the attachment: %s" % self.nova.requests
        left = [c for c in primary.items("connections") if c["volume"]["name"] == name]
        assert not left, "connections left after detach: %s" % left
        hosts = [h["name"] for h in primary.items("hosts") if INITIATOR in (h.get("iqns") or [])]
        assert not hosts, "host %s left on pure-primary after its last detach" % hosts
        return "LUN %d, %s; on the array, detached, Nova asked" % (lun, portals)

    def _restart_volume_service(self, stats=True):
        self.services["volume"].stop(timeout=15)
        self._start_cinder_service("volume")
        self._wait_volume_service_up(120, stats=stats)

    def _api_log_has(self, request_id, text):
        path = os.path.join(self.harness_dir, "logs", "cinder-api.log")
        with open(path, errors="replace") as f:
            return any(request_id in line and text in line for line in f)

    def step_concurrency(self):
        count = 10
        names = ["e2e-burst-%02d" % i for i in range(count)]
        procs = {name: self.cinder.spawn("create", "--name", name, "--volume-type",
                                         TYPES[i % len(TYPES)][0], 1)
                 for i, name in enumerate(names)}
        ids, failures, retried = [], [], []
        for i, name in enumerate(names):
            proc = procs[name]
            try:
                out, err = proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            request = re.search(r"Request-ID: (req-[0-9a-f-]+)", err or "")
            if proc.returncode != 0 and request and self._api_log_has(
                    request.group(1), "database is locked"):
                # The suite's sqlite database (not Cinder's production MySQL/PostgreSQL)
                # refuses concurrent writers now and then: the operator's retry.
                retried.append(name)
                out = self.cinder("create", "--name", name, "--volume-type",
                                  TYPES[i % len(TYPES)][0], 1).out
            elif proc.returncode != 0:
                failures.append(err.strip()[-300:])
                continue
            ids.append(re.search(r"\|\s+id\s+\|\s+(\S+)\s+\|", out).group(1))
        assert not failures, "%d of %d cinder create failed: %s" % (
            len(failures), count, failures[0])
        started = time.monotonic()
        try:
            self.cinder.wait_volumes(ids, {"available"}, 60, "%d volumes created at once"
                                     % count)
        except AssertionError as exc:
            # A cinder-volume that stopped answering (the gRPC client under eventlet) would
            # leave every later step without a backend: restart it so they can still run.
            stuck = [v["name"] for v in self.cinder.volumes().values()
                     if v["id"] in ids and v["status"] == "creating"]
            if stuck:
                self._restart_volume_service()
                raise AssertionError("%s; %d still creating after %.0f s: cinder-volume stopped "
                                     "answering and was restarted (see cinder-volume.log)"
                                     % (exc, len(stuck), time.monotonic() - started)) from None
            raise
        missing = [i for i in ids if self.arrays["pure-primary"].find_volume(i) is None]
        assert not missing, "volumes not on pure-primary: %s" % missing
        return "%d volumes available %.1f s after the CLIs returned%s" % (
            count, time.monotonic() - started,
            "; %d retried after sqlite's 'database is locked'" % len(retried) if retried else "")

    def _user_message(self, volume_id, contains):
        """The user message Cinder recorded about the volume, through `cinder message-list`."""
        rows = self.cinder("message-list", "--resource_uuid", volume_id).rows()
        texts = [r.get("User Message", "") for r in rows]
        assert any(contains in t for t in texts), \
            "no user message with %r for volume %s: %s" % (contains, volume_id, texts)
        return [t for t in texts if contains in t][0]

    def step_bad_replication_type(self):
        self.cinder("type-create", "e2e-quadsync")
        self.cinder("type-key", "e2e-quadsync", "set", "volume_backend_name=%s" % BACKEND,
                    "replication_enabled=<is> True", "replication_type=<in> quadsync")
        volume_id = self.create("e2e-quadsync", "e2e-quadsync")
        self.cinder.wait_volumes([volume_id], {"error"}, 60, "volume of an unknown "
                                 "replication_type")
        message = self._user_message(volume_id, NO_BACKEND)
        wanted = 'replication_type=<in> quadsync" does not match reported capability'
        assert self._cinder_log_has("scheduler", wanted), \
            "cinder-scheduler.log does not say why: %r" % wanted
        return "error; message %r; scheduler: %s" % (message, wanted)

    def _cinder_log_has(self, service, text):
        path = os.path.join(self.harness_dir, "logs", "cinder-%s.log" % service)
        with open(path, errors="replace") as f:
            return text in f.read()

    def step_oversize_volume(self):
        over_quota = self.cinder.run("create", "--name", "e2e-over-quota", "--volume-type",
                                     BACKEND, 100000)
        assert over_quota.rc != 0 and "quota" in over_quota.err.lower(), \
            "a 100000 GiB create under the default quota: rc=%s %s" % (over_quota.rc,
                                                                       over_quota.err)
        self.cinder("quota-update", "--gigabytes", "-1", "--per-volume-gigabytes", "-1", PROJECT)
        pool = self._pool()["capabilities"]
        ratio = float(pool.get("max_over_subscription_ratio") or 1)
        size = int(float(pool["total_capacity_gb"]) * max(ratio, 1) * 2) + 1
        volume_id = self.create("e2e-oversize", BACKEND, size)
        self.cinder.wait_volumes([volume_id], {"error"}, 60, "oversize volume")
        message = self._user_message(volume_id, NO_BACKEND)
        assert self._cinder_log_has("scheduler", "Insufficient free"), \
            "cinder-scheduler.log does not say the backend has too little space"
        return "quota refused 100000 GiB; %d GiB: error, %r" % (size, message)

    def step_service_down(self):
        self.harness("unstack")
        assert not os.path.exists(os.path.join(self.harness_dir, "pids", "purebridge.pid"))
        volume_id = self.create("e2e-while-down", BACKEND)
        self.cinder.wait_volumes([volume_id], {"error"}, 120, "volume created while the "
                                 "service is down")
        wanted = "purebridge service unreachable at unix:%s" % self.socket
        assert self._cinder_log_has("volume", wanted), \
            "cinder-volume.log does not name the unreachable service (%r)" % wanted
        message = self._user_message(volume_id, "")
        self.harness("post-config")
        after = self.create("e2e-after-restart", "AsyncReplicated")
        self.cinder.wait_volumes([after], {"available"}, 90, "volume created once the "
                                 "service is back")
        self.placed(after, "async")
        return "error while down (%r, log names the socket); serves again after restart" % (
            message[:60])

    def _wait_service(self, what, done, timeout=90):
        """Waits for the cinder-volume service row to satisfy done(row); failover-error fails."""
        def check():
            row = self.cinder.volume_service(SERVICE_HOST)
            if row and row.get("replication_status") == "failover-error":
                raise AssertionError(
                    "%s: the service went to failover-error (cinder-volume.log: %s)"
                    % (what, self._failover_error_reason()))
            return row if row and done(row) else None
        return wait_for(what, check, timeout, interval=0.5)

    def _failover_error_reason(self):
        path = os.path.join(self.harness_dir, "logs", "cinder-volume.log")
        with open(path, errors="replace") as f:
            for line in f:
                if "Error encountered during failover" in line:
                    return line.split("] ", 1)[-1].strip()[:300]
        return "no error line found"

    def step_failover(self):
        ids = self.originals or self._create_originals()
        for group in ("cinder-group", "cinder-pod::cinder-trisync"):
            self.arrays.replicate_now("pure-primary", group)

        # An unknown target: the driver refuses, the service stays usable.
        self.cinder("failover-host", SERVICE_HOST, "--backend_id", "pure-nowhere")
        row = self._wait_service("failover-host to pure-nowhere", lambda r: r.get(
            "replication_status") in ("enabled", "failed-over"))
        assert row["replication_status"] == "enabled" and not row.get("active_backend_id"), row
        assert self._cinder_log_has("volume", "pure-nowhere"), \
            "cinder-volume.log does not name the unknown backend_id pure-nowhere"

        self.cinder("failover-host", SERVICE_HOST, "--backend_id", "pure-dr")
        self._wait_service("failover-host to pure-dr", lambda r: r.get(
            "replication_status") == "failed-over" and r.get("active_backend_id") == "pure-dr")
        rows = {r["ID"]: r for r in self.cinder("list", "--fields",
                                                "name,status,replication_status").rows()}
        expected = {BACKEND: ("error", "not-capable"), "SyncReplicated": ("error", None),
                    "AsyncReplicated": ("available", "failed-over"),
                    "TriSync": ("available", "failed-over")}
        wrong = []
        for volume_type, (status, replication) in expected.items():
            row = rows[ids[volume_type]]
            if row["Status"] != status or (replication and
                                           row["Replication_Status"] != replication):
                wrong.append("%s: %s/%s, want %s/%s" % (volume_type, row["Status"],
                                                        row["Replication_Status"], status,
                                                        replication or "any"))
        assert not wrong, "after failover to pure-dr: " + "; ".join(wrong)
        self.failed_over = {i for i, r in rows.items()
                            if r["Replication_Status"] == "failed-over"}
        for volume_type in ("AsyncReplicated", "TriSync"):
            got = self.arrays.checksum("pure-dr", arrays_mod.volume_name(ids[volume_type]),
                                       DATA_BYTES)
            assert got == sha256(arrays_mod.pattern(ids[volume_type])), \
                "the %s volume's bytes on pure-dr differ from those written" % volume_type

        self.cinder("failover-host", SERVICE_HOST, "--backend_id", "default")
        row = self._wait_service("failback (--backend_id default)", lambda r: r.get(
            "replication_status") == "enabled" and not r.get("active_backend_id"))
        if row["status"] == "disabled":
            self.cinder("service-enable", SERVICE_HOST, "cinder-volume")
        volumes = self.cinder.wait_volumes([ids["AsyncReplicated"], ids["TriSync"]],
                                           {"enabled"}, 60, "volumes after failback",
                                           field="replication_status")
        assert all(volumes[i]["status"] == "available"
                   for i in (ids["AsyncReplicated"], ids["TriSync"])), volumes
        return "unknown target refused; pure-dr: async and tri-sync bytes read there; failback"

    # -- the end -------------------------------------------------------------------------------

    def step_cleanup(self):
        snapshots = self.cinder.snapshots()
        if snapshots:
            self.cinder("snapshot-delete", *snapshots)
            self.cinder.wait_snapshots(list(snapshots), {"deleted"}, 90, "snapshots deleted")
        volumes = self.cinder.volumes()
        for volume in volumes.values():
            for attachment in volume.get("attachments") or []:
                self.cinder("attachment-delete", attachment["attachment_id"])
            if volume["status"] not in ("available", "error", "error_restoring",
                                        "error_extending", "error_managing"):
                # Left mid-way by a failed step: the admin's way out.
                self.cinder("reset-state", "--state", "error", "--attach-status", "detached",
                            volume["id"])
        if volumes:
            self.cinder("delete", *volumes)
            try:
                self.cinder.wait_volumes(list(volumes), {"deleted"}, 60, "volumes deleted")
            except AssertionError as exc:
                # cinder-volume stopped answering mid-way: a restart resumes the deletes, so
                # the arrays can still be checked; the step fails all the same.
                self._restart_volume_service(stats=False)
                self.cinder.wait_volumes(list(volumes), {"deleted"}, 120,
                                         "volumes deleted after restarting cinder-volume")
                raise AssertionError("%s: cinder-volume froze (see cinder-volume.log); "
                                     "restarted, it deleted them all" % exc) from None
        return "%d snapshots, %d volumes deleted" % (len(snapshots), len(volumes))

    def step_arrays_clean(self):
        problems, replicas = [], 0
        for name in arrays_mod.ARRAYS:
            array = self.arrays[name]
            volumes = [v["name"] for v in array.items("volumes")]
            hosts = [h["name"] for h in array.items("hosts")]
            connections = array.items("connections")
            group_snaps = [p["name"] for p in array.items("protection-group-snapshots")]
            stray = [s["name"] for s in array.items("volume-snapshots")
                     if not any(s["name"].startswith(p + ".") for p in group_snaps)]
            replicas += len(group_snaps)
            copies = [v for v in volumes if any(v == arrays_mod.volume_name(i)
                                                for i in self.failed_over)]
            if name == "pure-dr" and copies:
                problems.append("pure-dr keeps %d copies failover made, after failback and "
                                "delete: %s" % (len(copies), copies))
                volumes = [v for v in volumes if v not in copies]
            for kind, left in (("volumes", volumes), ("hosts", hosts),
                               ("connections", connections), ("snapshots", stray)):
                if left:
                    problems.append("%s still has %d %s: %s" % (name, len(left), kind,
                                                                left[:5]))
        assert not problems, "; ".join(problems)
        return "3 arrays clean (%d protection group snapshots kept by retention)" % replicas

    def teardown(self):
        for name in ("api", "scheduler", "volume"):
            if name in self.services:
                self.services[name].stop()
        try:
            if os.path.isdir(self.harness_dir):
                self.harness("unstack", timeout=60)
        except Exception as exc:  # noqa: BLE001 - keep tearing down
            print("teardown: %s" % exc)
        if self.arrays is not None:
            self.arrays.close()
        if self.nova is not None:
            self.nova.stop()
        if self.rabbit is not None:
            self.rabbit.stop()

    def save_artifacts(self, dest):
        os.makedirs(dest, exist_ok=True)
        for src in (self.logs, os.path.join(self.harness_dir, "logs"),
                    os.path.join(self.harness_dir, "etc"),
                    os.path.join(self.workdir, "rabbitmq", "rabbitmq.log")):
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(dest, os.path.basename(src)),
                                dirs_exist_ok=True)
            elif os.path.isfile(src):
                shutil.copy(src, dest)
        for extra in ("tracebacks.log", os.path.join("devstack", "calls.log")):
            path = os.path.join(self.workdir, extra)
            if os.path.isfile(path):
                shutil.copy(path, dest)
        with open(os.path.join(dest, "nova-standin-requests.log"), "w") as f:
            for method, path in (self.nova.requests if self.nova else []):
                f.write("%s %s\n" % (method, path))
