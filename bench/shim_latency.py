"""Per-operation latency of each layer, measured in one run against a real service process.

Layers, outermost first:
  shim      purebridge.driver.PureISCSIDriver method with real Cinder objects: conversion,
            eventlet.tpool hand-off, gRPC, service, engine, simulated array (RocksDB, fsync)
  grpc      the same RPC sent straight from a stub: gRPC, service, engine, array
  bare      grpc.health.v1.Health/Check: the gRPC round trip over the unix socket alone
  shim-rest the shim layer with san_ip on the array's REST 2.x front end instead of sim://: the
            service then drives the same simulated array through RestFlashArray over HTTPS (the
            path real arrays take), certificate verified

Usage: python bench/shim_latency.py --jar driver-server/target/...-all.jar [--count 200]
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

from cinder import context as cinder_context  # noqa: E402
from cinder import objects  # noqa: E402

objects.register_all()
cfg.CONF([], project="cinder", default_config_files=[])

from cinder.tests.unit import fake_snapshot  # noqa: E402
from cinder.tests.unit import fake_volume  # noqa: E402
from cinder.volume import configuration  # noqa: E402
import grpc  # noqa: E402

from purebridge import driver  # noqa: E402
from purebridge import options  # noqa: E402
from purebridge.v1 import volume_driver_pb2 as pb  # noqa: E402
from purebridge.v1 import volume_driver_pb2_grpc as pb_grpc  # noqa: E402
from tests.functional.conftest import Service  # noqa: E402

SECTION = "puredriver-bench"
REST_SECTION = "puredriver-bench-rest"
GRPC_SECTION = "puredriver-bench-grpc"
CONNECTOR = {"host": "bench-host", "initiator": "iqn.1993-08.org.debian:01:bench",
             "ip": "127.0.0.1", "multipath": False, "platform": "x86_64",
             "os_type": "linux"}


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def make_driver(svc, section=SECTION, **array_options):
    conf = configuration.Configuration(
        options.PURE_OPTS + options.PUREBRIDGE_OPTS, section)
    # The driver registers its options in the section; only then can they be set.
    drv = driver.PureISCSIDriver(configuration=conf, host="bench@" + section)
    values = {"purebridge_endpoint": svc.endpoint,
              "purebridge_timeout": 30.0,
              "san_ip": "sim://pure-primary",
              "pure_api_token": svc.tokens["pure-primary"]}
    values.update(array_options)
    for key, value in values.items():
        cfg.CONF.set_override(key, value, group=section)
    drv.do_setup(None)
    return drv


def make_rest_driver(svc):
    """The same array, reached as a real one is: san_ip on its HTTPS front end."""
    endpoint = svc.rest["pure-primary"]
    return make_driver(svc, REST_SECTION, san_ip=endpoint.san_ip,
                       driver_ssl_cert_verify=True,
                       driver_ssl_cert_path=endpoint.ca_bundle)


def shim_layer(drv, count):
    ctxt = cinder_context.get_admin_context()
    results = {op: [] for op in ("create", "snapshot", "attach", "detach",
                                 "delete snapshot", "delete")}
    for _ in range(count):
        volume = fake_volume.fake_volume_obj(ctxt, id=str(uuid.uuid4()), size=1,
                                             volume_type=None)
        snapshot = fake_snapshot.fake_snapshot_obj(
            ctxt, id=str(uuid.uuid4()), volume=volume, volume_size=1)
        results["create"].append(timed(lambda: volume.update(drv.create_volume(volume) or {})))
        results["snapshot"].append(timed(lambda: drv.create_snapshot(snapshot)))
        results["attach"].append(timed(lambda: drv.initialize_connection(volume, CONNECTOR)))
        results["detach"].append(timed(lambda: drv.terminate_connection(volume, CONNECTOR)))
        results["delete snapshot"].append(timed(lambda: drv.delete_snapshot(snapshot)))
        results["delete"].append(timed(lambda: drv.delete_volume(volume)))
    return results


def grpc_layer(svc, count):
    channel = grpc.insecure_channel(svc.endpoint)
    stub = pb_grpc.VolumeDriverServiceStub(channel)
    # Every backend call carries the credential RegisterBackend issues (docs/SECURITY.md).
    registered = stub.RegisterBackend(pb.RegisterBackendRequest(
        backend_name=GRPC_SECTION, protocol=pb.STORAGE_PROTOCOL_ISCSI,
        options={"san_ip": "sim://pure-primary",
                 "pure_api_token": svc.tokens["pure-primary"]}), timeout=30)
    credential = (("x-purebridge-credential", registered.session_credential),)
    health = channel.unary_unary("/grpc.health.v1.Health/Check",
                                 request_serializer=lambda raw: raw,
                                 response_deserializer=lambda raw: raw)
    results = {"create": [], "delete": [], "bare round trip": []}
    for _ in range(count):
        vid = str(uuid.uuid4())
        volume = pb.Volume(id=vid, name_id=vid, name="volume-" + vid, size_gib=1)
        results["create"].append(timed(lambda: stub.CreateVolume(
            pb.CreateVolumeRequest(backend_name=GRPC_SECTION, volume=volume), timeout=30,
            metadata=credential)))
        results["delete"].append(timed(lambda: stub.DeleteVolume(
            pb.DeleteVolumeRequest(backend_name=GRPC_SECTION, volume=volume), timeout=30,
            metadata=credential)))
        results["bare round trip"].append(timed(lambda: health(b"", timeout=30)))
    channel.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="pbb-")
    svc = Service(os.path.abspath(args.jar), workdir).start()
    try:
        drv = make_driver(svc)
        rest_drv = make_rest_driver(svc)
        # Warm the JIT, the channel and the HTTPS connections before measuring.
        shim_layer(drv, 20)
        shim_layer(rest_drv, 20)
        grpc_layer(svc, 20)
        shim = shim_layer(drv, args.count)
        shim_rest = shim_layer(rest_drv, args.count)
        raw = grpc_layer(svc, args.count)
    finally:
        svc.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print("Per-operation latency, %d operations each (ms)" % args.count)
    print("%-28s %9s %9s" % ("layer / operation", "p50", "p99"))
    for layer, results in (("shim", shim), ("shim-rest", shim_rest),
                           ("grpc", raw)):
        for op, samples in results.items():
            print("%-28s %9.2f %9.2f" % ("%s %s" % (layer, op),
                                         percentile(samples, 0.5),
                                         percentile(samples, 0.99)))
    bare = percentile(raw["bare round trip"], 0.5)
    print("ratio shim/grpc create p50: %.2f" % (
        percentile(shim["create"], 0.5) / percentile(raw["create"], 0.5)))
    print("ratio shim/grpc delete p50: %.2f" % (
        percentile(shim["delete"], 0.5) / percentile(raw["delete"], 0.5)))
    print("ratio grpc create/bare round trip p50: %.2f" % (
        percentile(raw["create"], 0.5) / bare))
    for op in ("create", "attach", "delete"):
        print("ratio shim-rest/shim %s p50: %.2f" % (
            op, percentile(shim_rest[op], 0.5) / percentile(shim[op], 0.5)))


if __name__ == "__main__":
    main()
