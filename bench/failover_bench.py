"""failover_host and failback of many replicated volumes: purebridge next to Cinder's own Pure
driver, on the same simulated arrays, in one run.

For each scenario a fresh service starts with pure-primary, pure-sync (type:sync) and pure-dr
(type:async). The same N volumes (rows in a real Cinder SQLite database, created once through
purebridge) are failed over by:
  upstream      cinder.volume.drivers.pure.PureISCSIDriver over the arrays' REST 2.x front end
                (one POST /volumes per async volume); its failback ('default') moves nothing and
                puts every non-sync volume in error, so its failback time is not comparable
  purebridge    purebridge.driver.PureISCSIDriver, san_ip sim:// (the service drives the arrays
                in-process: one batch restores a whole group snapshot)
  pb-rest       purebridge with san_ip on the same REST front end as upstream (the path a real
                FlashArray takes: a few requests in flight)
Every answer is checked (each volume failed-over / enabled) before its time is reported.

Usage: python bench/failover_bench.py --jar driver-server/target/...-all.jar
           [--async-counts 100,1000] [--sync-count 1000] [--no-rest]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python-shim"))

from oslo_config import cfg  # noqa: E402

import gc  # noqa: E402

from cinder import objects  # noqa: E402

objects.register_all()
cfg.CONF([], project="cinder", default_config_files=[])

from cinder.volume import configuration  # noqa: E402
from cinder.volume import driver as volume_driver  # noqa: E402
from cinder.volume.drivers import pure  # noqa: E402
from cinder.volume.drivers.san import san  # noqa: E402
from cinder.volume import volume_types  # noqa: E402

from pypureclient import api_token_manager  # noqa: E402

from purebridge import driver  # noqa: E402
from purebridge import options  # noqa: E402
from tests import cinder_database  # noqa: E402
from tests.functional.admin import Admin  # noqa: E402
from tests.service import Service  # noqa: E402

PRIMARY, SYNC, DR = "pure-primary", "pure-sync", "pure-dr"


def devices(svc, rest):
    def san_ip(name):
        return svc.rest[name].san_ip if rest else "sim://" + name
    return [{"backend_id": SYNC, "san_ip": san_ip(SYNC),
             "api_token": svc.tokens[SYNC], "type": "sync"},
            {"backend_id": DR, "san_ip": san_ip(DR),
             "api_token": svc.tokens[DR], "type": "async"}]


def set_section(section, values):
    for key, value in values.items():
        cfg.CONF.set_override(key, value, group=section)


def purebridge_driver(svc, ctxt, section, rest):
    conf = configuration.Configuration(
        options.PURE_OPTS + options.PUREBRIDGE_OPTS, section)
    drv = driver.PureISCSIDriver(configuration=conf, host="bench@" + section)
    values = {"purebridge_endpoint": svc.endpoint,
              "purebridge_timeout": 300.0,
              "san_ip": (svc.rest[PRIMARY].san_ip if rest
                         else "sim://" + PRIMARY),
              "pure_api_token": svc.tokens[PRIMARY],
              "volume_backend_name": section,
              "pure_trisync_enabled": True,
              "replication_device": devices(svc, rest)}
    set_section(section, values)
    drv.do_setup(ctxt)
    return drv


def upstream_driver(svc, ctxt, section):
    conf = configuration.Configuration(
        pure.PURE_OPTS + volume_driver.volume_opts + san.san_opts, section)
    set_section(section, {
        "san_ip": svc.rest[PRIMARY].san_ip,
        "pure_api_token": svc.tokens[PRIMARY],
        "volume_backend_name": section,
        "pure_trisync_enabled": True,
        "replication_device": devices(svc, True)})
    drv = pure.PureISCSIDriver(configuration=conf, host="bench@" + section)
    drv.do_setup(ctxt)
    drv.check_for_setup_error()
    return drv


def volume_type(ctxt, kind):
    vt = volume_types.create(ctxt, "%s-%s" % (kind, uuid.uuid4().hex[:6]),
                             {"replication_enabled": "<is> True",
                              "replication_type": "<in> %s" % kind})
    return volume_types.get_volume_type(ctxt, vt["id"])


def create_volumes(drv, ctxt, vtype, count, host):
    volumes = []
    for _ in range(count):
        vol = objects.Volume(ctxt, size=1, volume_type_id=vtype["id"],
                             host=host, status="creating",
                             project_id="bench", user_id="bench",
                             attach_status="detached")
        vol.create()
        vol.update(drv.create_volume(vol) or {})
        vol.status = "available"
        vol.replication_status = "enabled"
        vol.save()
        volumes.append(vol)
    return volumes


def refreshed(ctxt, volumes):
    """The rows as the manager would read them again, with every update applied."""
    return [objects.Volume.get_by_id(ctxt, v.id) for v in volumes]


def apply(ctxt, volumes, updates, status):
    by_id = {u["volume_id"]: u["updates"] for u in updates}
    bad = 0
    for vol in volumes:
        update = dict(by_id.get(vol.id, {}))
        if update.get("status") == "error":
            bad += 1
            continue
        update["replication_status"] = status
        vol.update(update)
        vol.save()
    return bad


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_scenario(jar, ctxt, kind, count, with_rest):
    workdir = tempfile.mkdtemp(prefix="pbfb-")
    svc = Service(jar, workdir).start()
    admin = Admin(svc)
    rows = []
    try:
        tag = uuid.uuid4().hex[:6]
        ours = purebridge_driver(svc, ctxt, "pb-sim-" + tag, rest=False)
        upstream = upstream_driver(svc, ctxt, "upstream-" + tag)
        vtype = volume_type(ctxt, kind)
        t0 = time.perf_counter()
        volumes = create_volumes(ours, ctxt, vtype, count, "bench@pb-sim-" + tag)
        print("  created %d %s volumes in %.1f s" % (
            count, kind, time.perf_counter() - t0), flush=True)
        if kind == "async":
            admin.replicate_now(PRIMARY, "cinder-group")
        target = DR if kind == "async" else SYNC

        seconds, (active, updates, _) = timed(lambda: upstream.failover_host(
            ctxt, volumes, target, []))
        bad = sum(1 for u in updates if u["updates"].get("status") == "error")
        assert active == target and bad == 0, (active, bad)
        rows.append(("upstream", "failover", seconds, bad))
        seconds, (active, updates, _) = timed(lambda: upstream.failover_host(
            ctxt, volumes, "default", []))
        bad = sum(1 for u in updates if u["updates"].get("status") == "error")
        rows.append(("upstream", "failback (moves nothing)", seconds, bad))

        drivers = [("purebridge", ours)]
        if with_rest:
            drivers.append(("pb-rest", purebridge_driver(
                svc, ctxt, "pb-rest-" + tag, rest=True)))
        for name, drv in drivers:
            volumes = refreshed(ctxt, volumes)
            seconds, (active, updates, _) = timed(lambda: drv.failover_host(
                ctxt, volumes, target, []))
            bad = apply(ctxt, volumes, updates, "failed-over")
            assert active == target and bad == 0, (name, active, bad)
            rows.append((name, "failover", seconds, bad))
            volumes = refreshed(ctxt, volumes)
            seconds, (active, updates, _) = timed(lambda: drv.failover_host(
                ctxt, volumes, "default", []))
            bad = apply(ctxt, volumes, updates, "enabled")
            assert active == "default" and bad == 0, (name, active, bad)
            rows.append((name, "failback (ships back)", seconds, bad))
    finally:
        admin.close()
        # Log the SDK's sessions out while the service still answers.
        for manager in gc.get_objects():
            if isinstance(manager, api_token_manager.APITokenManager):
                try:
                    manager.close_session()
                except Exception:  # noqa: BLE001 - best effort at teardown
                    pass
        svc.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--async-counts", default="100,1000")
    parser.add_argument("--sync-count", type=int, default=1000)
    parser.add_argument("--no-rest", action="store_true",
                        help="skip purebridge over the REST front end")
    args = parser.parse_args()
    jar = os.path.abspath(args.jar)
    dbdir = tempfile.mkdtemp(prefix="pbfb-db-")
    ctxt = cinder_database.start(dbdir)
    scenarios = [("async", int(n)) for n in args.async_counts.split(",") if n]
    if args.sync_count:
        scenarios.append(("sync", args.sync_count))
    results = []
    try:
        for kind, count in scenarios:
            print("scenario: %d %s volumes" % (count, kind), flush=True)
            for row in run_scenario(jar, ctxt, kind, count, not args.no_rest):
                results.append((kind, count) + row)
                print("  %-10s %-26s %8.2f s  errors %d" % row[:4], flush=True)
    finally:
        cinder_database.stop()
        shutil.rmtree(dbdir, ignore_errors=True)

    print()
    print("failover_host, seconds (same volumes, same arrays)")
    print("%-6s %6s %-10s %-26s %9s" % ("mode", "count", "driver", "call",
                                        "seconds"))
    for kind, count, name, call, seconds, _ in results:
        print("%-6s %6d %-10s %-26s %9.2f" % (kind, count, name, call, seconds))
    for kind, count in scenarios:
        up = [r[4] for r in results if r[:4] == (kind, count, "upstream",
                                                  "failover")]
        for name in ("purebridge", "pb-rest"):
            ours = [r[4] for r in results if r[:4] == (kind, count, name,
                                                        "failover")]
            if up and ours:
                print("ratio %s/upstream failover, %d %s: %.3f" % (
                    name, count, kind, ours[0] / up[0]))


if __name__ == "__main__":
    main()
