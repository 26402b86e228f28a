"""purebridge next to Cinder's own Pure driver, on the same simulated arrays, in one run.

Three drivers, each in its own cinder-volume-like process (eventlet monkey-patched, a real Cinder
database, Cinder's coordinator for the locks, the driver's calls made from one green thread):

  sim       purebridge's PureISCSIDriver with san_ip = sim://pure-primary
  rest      purebridge's PureISCSIDriver with san_ip on pure-primary's HTTPS REST 2.x front end
            (certificate verified against the front end's CA bundle)
  upstream  cinder.volume.drivers.pure.PureISCSIDriver from the Cinder in the virtualenv, with
            py-pure-client, on the same front end (certificate verified too: the CA bundle goes
            into py-pure-client's transport configuration, since the SDK drops the driver's path)

Measured per round (rounds rotate the order of the drivers):
  * p50/p99 of create, snapshot, clone, extend, attach, detach, delete snapshot, delete
    (plain volume type, a backend without replication)
  * HTTPS requests per operation, read from the front end's request log (one line per request)
  * replication setup (do_setup with a sync, uniform device and an async device, tri-sync on, the
    topology already in place as after a restart): time and requests; stats: time and requests
  * creates (then deletes) of K async-replicated volumes on that backend
  * CPU per operation of the cinder-volume process and of the service process
Ratios are purebridge / upstream per round; the summary gives min/median/max over the rounds.

Usage: python bench/upstream_bench.py --jar driver-server/target/...-all.jar
           [--rounds 3] [--count 100] [--async-volumes 1000] [--doc docs/benchmarks.md]
"""

import sys

if __name__ == "__main__" and "--worker" in sys.argv:
    # cinder-volume monkey-patches before anything else is imported.
    import eventlet
    eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "..", "python-shim")
sys.path.insert(0, SHIM)

OPS = ("create", "snapshot", "clone", "extend", "attach", "detach",
       "delete snapshot", "delete")
KINDS = ("sim", "rest", "upstream")
CONNECTOR = {"host": "bench-compute", "ip": "10.0.0.5", "multipath": True,
             "initiator": "iqn.1993-08.org.debian:01:bench-compute",
             "platform": "x86_64", "os_type": "linux"}
HOST_LOGGER = "io.purebridge.server.rest.FlashArrayHttpHandler"
REQUEST_LINE = re.compile(r"FlashArrayHttpHandler - (\S+): (\w+) /api/(?:\d+\.\d+/)?(\S+) -> (\d+)")
DOC_BEGIN = "<!-- bench-upstream:begin -->"
DOC_END = "<!-- bench-upstream:end -->"


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --------------------------------------------------------------------------------------------
# worker: one cinder-volume-like process
# --------------------------------------------------------------------------------------------

class Worker(object):
    def __init__(self, spec):
        from oslo_config import cfg
        from cinder import objects
        objects.register_all()
        cfg.CONF([], project="cinder", default_config_files=[])
        from tests import cinder_database
        self.cfg = cfg
        self.objects = objects
        self.ctxt = cinder_database.start(spec["workdir"],
                                          migrate=spec.get("migrate"))
        self.spec = spec
        self.kind = spec["kind"]
        self.host = "bench-%s@" % self.kind
        self.types = {}
        if self.kind == "upstream":
            self._trust_front_end(spec["ca_bundle"])

    @staticmethod
    def _trust_front_end(bundle):
        """py-pure-client keeps Client(ssl_cert=...) where its transport never reads it (see
        tests/service.py); its transport configuration gets the front end's CAs instead, so
        upstream verifies the certificate as purebridge does."""
        from pypureclient import configuration
        init = configuration.Configuration.__init__

        def with_ca(self, ssl_ca_cert=None):
            init(self, ssl_ca_cert=ssl_ca_cert or bundle)
        configuration.Configuration.__init__ = with_ca

    # -- drivers ------------------------------------------------------------------------------

    def _values(self, replicated):
        s = self.spec
        rest = s["rest"]
        if self.kind == "sim":
            values = {"san_ip": "sim://pure-primary"}
        else:
            values = {"san_ip": rest["pure-primary"]["san_ip"],
                      "driver_ssl_cert_verify": True,
                      "driver_ssl_cert_path": rest["pure-primary"]["ca_bundle"]}
        values["pure_api_token"] = s["tokens"]["pure-primary"]
        if self.kind != "upstream":
            values.update(purebridge_endpoint=s["endpoint"], purebridge_timeout=60.0)
        if replicated:
            devices = []
            for name, kind in (("pure-sync", "sync"), ("pure-dr", "async")):
                dev = {"backend_id": name, "api_token": s["tokens"][name], "type": kind}
                if kind == "sync":
                    dev["uniform"] = "true"
                if self.kind == "sim":
                    dev["san_ip"] = "sim://" + name
                else:
                    dev.update(san_ip=rest[name]["san_ip"], ssl_cert_verify="true",
                               ssl_cert_path=rest[name]["ca_bundle"])
                devices.append(dev)
            values.update(replication_device=devices, pure_trisync_enabled=True)
        return values

    def make_driver(self, replicated):
        from cinder.volume import configuration
        section = "bench-%s-%s" % (self.kind, "repl" if replicated else "plain")
        if self.kind == "upstream":
            from cinder.volume import driver as volume_driver
            from cinder.volume.drivers import pure
            from cinder.volume.drivers.san import san
            conf = configuration.Configuration(
                pure.PURE_OPTS + volume_driver.volume_opts + san.san_opts, section)
            cls = pure.PureISCSIDriver
        else:
            from purebridge import driver
            from purebridge import options
            conf = configuration.Configuration(
                options.PURE_OPTS + options.PUREBRIDGE_OPTS, section)
            cls = driver.PureISCSIDriver
        drv = cls(configuration=conf, host=self.host + section)
        values = self._values(replicated)
        values["volume_backend_name"] = section
        for key, value in values.items():
            self.cfg.CONF.set_override(key, value, group=section)
        return drv

    def volume_type(self, name, specs):
        if name not in self.types:
            from cinder.volume import volume_types
            vt = volume_types.create(self.ctxt, "%s-%s-%s" % (name, self.kind, uuid.uuid4().hex[:6]),
                                     specs)
            self.types[name] = volume_types.get_volume_type(self.ctxt, vt["id"])
        return self.types[name]

    def new_volume(self, drv, type_name="plain", size=1, via=None, **fields):
        specs = {} if type_name == "plain" else {"replication_enabled": "<is> True",
                                                  "replication_type": "<in> async"}
        vt = self.volume_type(type_name, specs)
        vol = self.objects.Volume(self.ctxt, size=size, volume_type_id=vt["id"],
                                  host=drv.host + "#" + drv.configuration.config_group,
                                  status="creating", project_id="project-1", user_id="user-1",
                                  attach_status="detached", **fields)
        vol.create()
        return vol

    def new_snapshot(self, vol):
        snap = self.objects.Snapshot(self.ctxt, volume_id=vol.id, volume_size=vol.size,
                                     status="creating", project_id="project-1", user_id="user-1",
                                     volume_type_id=vol.volume_type_id)
        snap.create()
        return snap

    # -- operations ---------------------------------------------------------------------------

    def lifecycle(self, drv, step):
        """One pass of the eight operations; step(name, fn) runs and measures the driver's call
        alone and returns its answer (saved to the database afterwards, as the manager does)."""
        vol = self.new_volume(drv)
        self._save(vol, step("create", lambda: drv.create_volume(vol)))
        snap = self.new_snapshot(vol)
        self._save(snap, step("snapshot", lambda: drv.create_snapshot(snap)))
        clone = self.new_volume(drv, source_volid=vol.id)
        self._save(clone, step("clone", lambda: drv.create_cloned_volume(clone, vol)))
        step("extend", lambda: drv.extend_volume(vol, 2))
        vol.size = 2
        vol.save()
        step("attach", lambda: drv.initialize_connection(vol, CONNECTOR))
        step("detach", lambda: drv.terminate_connection(vol, CONNECTOR))
        step("delete snapshot", lambda: drv.delete_snapshot(snap))
        step("delete", lambda: drv.delete_volume(clone))
        step("delete", lambda: drv.delete_volume(vol))
        for o in (snap, clone, vol):
            o.destroy()

    @staticmethod
    def _save(obj, update):
        obj.update(update or {})
        obj.status = "available"
        obj.save()

    def run(self):
        out = sys.stdout
        # Nothing but the protocol on stdout.
        sys.stdout = sys.stderr
        commands = sys.stdin

        def say(obj):
            out.write(json.dumps(obj) + "\n")
            out.flush()

        def mark(label):
            say({"mark": label})
            assert commands.readline().strip() == "go"

        plain = self.make_driver(False)
        plain.do_setup(self.ctxt)
        plain.check_for_setup_error()
        repl = self.make_driver(True)
        say({"ready": True})
        for line in commands:
            cmd = json.loads(line)
            what = cmd["cmd"]
            if what == "quit":
                break
            if what == "latency":
                samples = {op: [] for op in OPS}

                def step(name, fn):
                    start = time.perf_counter()
                    answer = fn()
                    samples[name].append((time.perf_counter() - start) * 1000.0)
                    return answer
                cpu = time.process_time()
                self._green(lambda: [self.lifecycle(plain, step) for _ in range(cmd["count"])])
                cpu = time.process_time() - cpu
                say({"samples": samples, "cpu_s": cpu})
            elif what == "count":
                def counted(name, fn):
                    mark("before " + name)
                    answer = fn()
                    mark("after " + name)
                    return answer
                self._green(lambda: self.lifecycle(plain, counted))
                say({"done": True})
            elif what == "setup":
                mark("before setup")
                start = time.perf_counter()
                self._green(lambda: repl.do_setup(self.ctxt))
                took = (time.perf_counter() - start) * 1000.0
                mark("after setup")
                start = time.perf_counter()
                self._green(lambda: repl.get_volume_stats(refresh=True))
                stats_ms = (time.perf_counter() - start) * 1000.0
                mark("after stats")
                say({"setup_ms": took, "stats_ms": stats_ms})
            elif what == "async":
                vols = [self.new_volume(repl, "async") for _ in range(cmd["count"])]
                mark("before async")
                timing = {"s": 0.0, "cpu": 0.0}

                def create_all():
                    for v in vols:
                        start, cpu = time.perf_counter(), time.process_time()
                        update = repl.create_volume(v)
                        timing["s"] += time.perf_counter() - start
                        timing["cpu"] += time.process_time() - cpu
                        self._save(v, update)
                self._green(create_all)
                took, cpu = timing["s"], timing["cpu"]
                mark("after async")
                self._green(lambda: [repl.delete_volume(v) for v in vols])
                for v in vols:
                    v.destroy()
                say({"async_s": took, "cpu_s": cpu})
        self._logout()

    @staticmethod
    def _green(fn):
        import eventlet
        return eventlet.spawn(fn).wait()

    def _logout(self):
        if self.kind != "upstream":
            return
        import gc
        from pypureclient import api_token_manager
        for manager in gc.get_objects():
            if isinstance(manager, api_token_manager.APITokenManager):
                try:
                    manager.close_session()
                except Exception:  # noqa: BLE001 - best effort at exit
                    pass


# --------------------------------------------------------------------------------------------
# parent: the service, the workers, the request log, the tables
# --------------------------------------------------------------------------------------------

class RequestLog(object):
    """The front end's request lines as they arrive on the service's stdout."""

    def __init__(self, svc):
        self.svc = svc

    def lines(self):
        out = []
        for line in list(self.svc.output):
            m = REQUEST_LINE.search(line)
            if m:
                out.append(m.groups())
        return out

    def settle(self):
        """Waits until no request line has arrived for 150 ms (a line is logged after the reply)."""
        count = len(self.svc.output)
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 0.15:
            time.sleep(0.03)
            if len(self.svc.output) != count:
                count = len(self.svc.output)
                quiet_since = time.monotonic()
        return len(self.lines())


def service_cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


class WorkerProcess(object):
    def __init__(self, svc, log, kind, workdir, migrate):
        spec = {"kind": kind, "workdir": workdir, "migrate": migrate,
                "endpoint": svc.endpoint, "tokens": svc.tokens,
                "rest": {n: {"san_ip": e.san_ip, "ca_bundle": e.ca_bundle}
                         for n, e in svc.rest.items()}}
        if kind == "upstream":
            bundle = os.path.join(workdir, "front-end-cas.pem")
            with open(bundle, "w") as out:
                for e in svc.rest.values():
                    with open(e.ca_bundle) as f:
                        out.write(f.read())
            spec["ca_bundle"] = bundle
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        self.log = log
        self.svc = svc
        self.kind = kind
        self.requests = {}
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(
                os.path.join(workdir, "worker-%s.log" % kind), "a"), text=True, env=env)
        self.expect("ready")

    def expect(self, key):
        """Reads replies; answers marks by recording the requests seen since the last one."""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("bench worker %s exited; see worker-%s.log" % (self.kind, self.kind))
            reply = json.loads(line)
            if "mark" in reply:
                label = reply["mark"]
                seen = self.log.settle()
                if label.startswith("after "):
                    op = label[len("after "):]
                    self.requests.setdefault(op, []).append(self.log.lines()[self._since:seen])
                self._since = seen
                self.proc.stdin.write("go\n")
                self.proc.stdin.flush()
                continue
            if key in reply:
                return reply

    def send(self, cmd, key, **args):
        args["cmd"] = cmd
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.flush()
        return self.expect(key)

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.flush()
            self.proc.wait(60)
        except Exception:  # noqa: BLE001
            self.proc.kill()


def one_round(svc, log, workdir, order, count, async_volumes, first):
    result = {}
    for i, kind in enumerate(order):
        w = WorkerProcess(svc, log, kind, workdir, migrate=first and i == 0)
        try:
            w._since = log.settle()
            w.send("count", "done")
            w.send("latency", "samples", count=max(5, count // 10))  # warm-up
            svc_cpu = service_cpu_s(svc.proc.pid)
            lat = w.send("latency", "samples", count=count)
            svc_cpu = service_cpu_s(svc.proc.pid) - svc_cpu
            setup = w.send("setup", "setup_ms")
            asy = w.send("async", "async_s", count=async_volumes) if async_volumes else None
            ops = count * (len(OPS) + 1)
            result[kind] = {
                "p50": {op: percentile(s, 0.5) for op, s in lat["samples"].items()},
                "p99": {op: percentile(s, 0.99) for op, s in lat["samples"].items()},
                "cpu_ms_per_op": 1000.0 * lat["cpu_s"] / ops,
                "svc_cpu_ms_per_op": 1000.0 * svc_cpu / ops,
                "requests": {op: [list(r) for r in reqs[0]] for op, reqs in w.requests.items()},
                "setup_ms": setup["setup_ms"], "stats_ms": setup["stats_ms"],
                "async_s": asy and asy["async_s"],
                "async_cpu_ms": asy and 1000.0 * asy["cpu_s"] / async_volumes,
            }
        finally:
            w.close()
    return result


def start_service(jar, workdir):
    from tests.service import Service
    opts = os.environ.get("JAVA_TOOL_OPTIONS", "")
    os.environ["JAVA_TOOL_OPTIONS"] = (opts + " -Dorg.slf4j.simpleLogger.log.%s=debug" % HOST_LOGGER).strip()
    try:
        return Service(os.path.abspath(jar), workdir).start()
    finally:
        if opts:
            os.environ["JAVA_TOOL_OPTIONS"] = opts
        else:
            del os.environ["JAVA_TOOL_OPTIONS"]


def spread(values):
    return "%.2f / **%.2f** / %.2f" % (min(values), statistics.median(values), max(values))


def request_summary(reqs):
    """'POST volumes, GET hosts' for one operation's requests (without the array name)."""
    return ", ".join("%s %s%s" % (m, path, "" if status == "200" else " (%s)" % status)
                     for _array, m, path, status in reqs)


def report(rounds, args, took_s):
    lines = []
    w = lines.append
    w("%d rounds in one run (%s UTC, %d s, load average before the run %s); per round each driver"
      % (len(rounds), time.strftime("%Y-%m-%d %H:%M", time.gmtime()), took_s, args.load))
    w("ran %d warm-up and %d measured passes of the eight operations (%d samples each, delete %d)."
      % (max(5, args.count // 10), args.count, args.count, 2 * args.count))
    w("")
    w("| operation | sim p50 | REST p50 | upstream p50 | sim p99 | REST p99 | upstream p99 |"
      " sim / upstream p50 (min / **median** / max) | REST / upstream p50 | requests REST | requests upstream |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    last = rounds[-1]
    for op in OPS:
        sim_r = [r["sim"]["p50"][op] / r["upstream"]["p50"][op] for r in rounds]
        rest_r = [r["rest"]["p50"][op] / r["upstream"]["p50"][op] for r in rounds]
        med = {k: statistics.median(r[k]["p50"][op] for r in rounds) for k in KINDS}
        med99 = {k: statistics.median(r[k]["p99"][op] for r in rounds) for k in KINDS}
        w("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %d | %d |" % (
            op, med["sim"], med["rest"], med["upstream"], med99["sim"], med99["rest"], med99["upstream"],
            spread(sim_r), spread(rest_r),
            len(last["rest"]["requests"].get(op, [])), len(last["upstream"]["requests"].get(op, []))))
    w("")
    w("Milliseconds; p50/p99 columns are the median over the rounds. Requests: HTTPS requests the"
      " front end logged for one call (the last round's counting pass; `delete` is the clone's).")
    w("")
    w("| | sim | REST | upstream | REST / upstream (min / **median** / max) |")
    w("|---|---|---|---|---|")
    for key, label, fmt in (("setup_ms", "replication setup (do_setup), ms", "%.1f"),
                            ("stats_ms", "stats (get_volume_stats refresh), ms", "%.1f"),
                            ("async_s", "%d async-replicated creates, s" % args.async_volumes, "%.2f"),
                            ("async_cpu_ms", "cinder-volume CPU per async create, ms", "%.2f"),
                            ("cpu_ms_per_op", "cinder-volume CPU per operation, ms", "%.2f"),
                            ("svc_cpu_ms_per_op", "service CPU per operation, ms", "%.2f")):
        if rounds[0]["upstream"].get(key) is None:
            continue
        vals = {k: statistics.median(r[k][key] for r in rounds) for k in KINDS}
        ratio = [r["rest"][key] / r["upstream"][key] for r in rounds if r["upstream"][key]]
        w("| %s | %s | %s | %s | %s |" % (label, fmt % vals["sim"], fmt % vals["rest"],
                                         fmt % vals["upstream"], spread(ratio) if ratio else ""))
    for op, label in (("setup", "replication setup"), ("stats", "stats")):
        w("| %s, HTTPS requests | 0 | %d | %d | |" % (
            label, len(last["rest"]["requests"].get(op, [])), len(last["upstream"]["requests"].get(op, []))))
    if args.async_volumes:
        w("| async-replicated create, HTTPS requests each | 0 | %.1f | %.1f | |" % tuple(
            len(last[k]["requests"].get("async", [])) / float(args.async_volumes) for k in ("rest", "upstream")))
    w("")
    w("Requests per operation, last round (purebridge REST, then upstream):")
    w("")
    for op in OPS + ("setup", "stats"):
        for kind in ("rest", "upstream"):
            reqs = last[kind]["requests"].get(op, [])
            w("* %s, %s (%d): %s" % (op, kind, len(reqs), request_summary(reqs)))
    return "\n".join(lines)


def write_doc(path, table):
    with open(path) as f:
        text = f.read()
    block = DOC_BEGIN + "\n" + table + "\n" + DOC_END
    if DOC_BEGIN in text and DOC_END in text:
        head, rest = text.split(DOC_BEGIN, 1)
        text = head + block + rest.split(DOC_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    if "--worker" in sys.argv:
        Worker(json.loads(sys.argv[sys.argv.index("--worker") + 1])).run()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--async-volumes", type=int, default=1000)
    parser.add_argument("--doc", help="write the table between the bench-upstream markers of this file")
    parser.add_argument("--json", help="also write the raw figures here")
    args = parser.parse_args()
    args.load = "%.2f" % os.getloadavg()[0]

    workdir = tempfile.mkdtemp(prefix="pbu-")
    started = time.monotonic()
    svc = start_service(args.jar, workdir)
    rounds = []
    try:
        log = RequestLog(svc)
        for n in range(args.rounds):
            order = KINDS[n % 3:] + KINDS[:n % 3]
            print("round %d: %s" % (n + 1, ", ".join(order)), flush=True)
            rounds.append(one_round(svc, log, workdir, order, args.count, args.async_volumes, n == 0))
    finally:
        svc.stop()
        if not rounds:
            print("service log: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    table = report(rounds, args, time.monotonic() - started)
    print(table)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rounds, f, indent=1)
    if args.doc:
        write_doc(args.doc, table)


if __name__ == "__main__":
    main()
