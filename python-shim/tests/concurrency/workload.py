"""One cinder-volume-shaped process driving a backend from many threads at once.

Run as a child process (python -m tests.concurrency.workload ...) so that it can be patched
exactly as cinder-volume is (`cinder.monkey_patch.patch()` before anything else), or not at all
(oslo.service's threading backend). Each worker loops over Cinder's busiest calls for the given
seconds; a ticker green thread measures how long the hub ever went without running. Prints one
JSON line: operations done per kind, errors, the hub's longest gap, throughput.

Drivers: `purebridge` (purebridge.driver.PureISCSIDriver on the service's unix socket, with
san_ip sim://NAME or a REST address), `upstream` (Cinder's own cinder.volume.drivers.pure
PureISCSIDriver on a simulated array's REST front end), for benchmarks side by side.
"""

import argparse
import sys


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--driver", choices=("purebridge", "upstream"),
                        default="purebridge")
    parser.add_argument("--shape", choices=("green", "native"),
                        default="green",
                        help="green: patched as cinder-volume is, workers are "
                             "green threads; native: no patching, workers "
                             "are OS threads")
    parser.add_argument("--endpoint", help="purebridge_endpoint")
    parser.add_argument("--san-ip", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--ca-bundle", default="",
                        help="verify the REST front end's certificate with it")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--ops", default="lifecycle",
                        choices=("lifecycle", "create-delete"),
                        help="lifecycle: create, snapshot, attach, detach, "
                             "delete snapshot, delete; create-delete: the "
                             "two calls only")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="purebridge_timeout")
    return parser.parse_args(argv)


ARGS = _parse(sys.argv[1:]) if __name__ == "__main__" else None

if ARGS is not None and ARGS.shape == "green":
    from cinder import monkey_patch
    monkey_patch.patch()

import collections  # noqa: E402
import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402

from cinder import objects  # noqa: E402

objects.register_all()
cfg.CONF([], project="cinder", default_config_files=[])
logging.setup(cfg.CONF, "cinder")

from tests import cinder_database  # noqa: E402
from tests import cinder_objects as objs  # noqa: E402

CONNECTOR = {"host": "compute-%s" % uuid.uuid4().hex[:6], "ip": "10.0.0.9",
             "multipath": False,
             "initiator": "iqn.1993-08.org.debian:01:%s" % uuid.uuid4().hex[:12]}


def _section(args):
    """One backend per array: the service lets a backend move to another array only for the
    holder of its credential, and each child process starts without one."""
    return "puredriver-%s-%s" % (
        args.driver, "sim" if args.san_ip.startswith("sim://") else "rest")


def _driver(args):
    section = _section(args)
    from cinder.volume import configuration
    from cinder.volume import driver as volume_driver
    from cinder.volume.drivers.san import san
    if args.driver == "purebridge":
        from purebridge import driver as pb_driver
        from purebridge import options
        opts = options.PURE_OPTS + options.PUREBRIDGE_OPTS
        values = {"purebridge_endpoint": args.endpoint,
                  "purebridge_timeout": args.timeout}
        cls = pb_driver.PureISCSIDriver
    else:
        import tempfile
        from cinder.volume.drivers import pure as upstream
        cinder_database.start(tempfile.mkdtemp(prefix="pb-upstream-"))
        opts = upstream.PURE_OPTS
        values = {}
        cls = upstream.PureISCSIDriver
    conf = configuration.Configuration(
        opts + volume_driver.volume_opts + san.san_opts, section)
    values.update(san_ip=args.san_ip, pure_api_token=args.token,
                  driver_ssl_cert_verify=bool(args.ca_bundle),
                  driver_ssl_cert_path=args.ca_bundle or None,
                  volume_backend_name=section)
    for key, value in values.items():
        cfg.CONF.set_override(key, value, group=section)
    drv = cls(configuration=conf, host="cinder-bench@" + section)
    drv.do_setup(objs.admin_context())
    drv.check_for_setup_error()
    return drv


def _lifecycle(drv, done):
    vol = objs.make_volume(size=1)
    vol.update(drv.create_volume(vol) or {})
    done["create_volume"] += 1
    snap = objs.make_snapshot(vol)
    snap.update(drv.create_snapshot(snap) or {})
    done["create_snapshot"] += 1
    drv.initialize_connection(vol, CONNECTOR)
    done["initialize_connection"] += 1
    drv.terminate_connection(vol, CONNECTOR)
    done["terminate_connection"] += 1
    drv.delete_snapshot(snap)
    done["delete_snapshot"] += 1
    drv.delete_volume(vol)
    done["delete_volume"] += 1


def _create_delete(drv, done):
    vol = objs.make_volume(size=1)
    vol.update(drv.create_volume(vol) or {})
    done["create_volume"] += 1
    drv.delete_volume(vol)
    done["delete_volume"] += 1


def _worker(drv, loop, until, done, errors):
    while time.monotonic() < until:
        try:
            loop(drv, done)
        except Exception as exc:  # reported, not raised: the run must finish
            errors.append("%s: %s" % (type(exc).__name__, exc))
            return


def main(args):
    drv = _driver(args)
    loop = _lifecycle if args.ops == "lifecycle" else _create_delete
    done = collections.Counter()
    errors = []
    gaps = [0.0]
    until = time.monotonic() + args.seconds
    started = time.monotonic()
    if args.shape == "green":
        import eventlet

        def ticker():
            last = time.monotonic()
            while time.monotonic() < until + 1.0:
                eventlet.sleep(0.005)
                now = time.monotonic()
                gaps.append(now - last)
                last = now
        tick = eventlet.spawn(ticker)
        workers = [eventlet.spawn(_worker, drv, loop, until, done, errors)
                   for _ in range(args.threads)]
        for worker in workers:
            worker.wait()
        elapsed = time.monotonic() - started
        tick.kill()
    else:
        workers = [threading.Thread(target=_worker,
                                    args=(drv, loop, until, done, errors))
                   for _ in range(args.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - started
    ops = sum(done.values())
    print(json.dumps({"driver": args.driver, "shape": args.shape,
                      "threads": args.threads, "ops": ops,
                      "ops_per_s": ops / elapsed, "elapsed_s": elapsed,
                      "done": dict(done), "errors": errors[:5],
                      "error_count": len(errors),
                      "max_hub_gap_s": max(gaps)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main(ARGS)
