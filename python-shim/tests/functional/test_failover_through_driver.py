"""Failover and failback from Cinder, through the shim, against the real service jar.

Each test starts its own service (a failover changes pods, groups and the arrays' contents) with
pure-primary, pure-sync (type:sync, the pod's other array) and pure-dr (type:async; tri-sync on).
Volumes are real Cinder objects; bytes are written through the driver (copy_image_to_volume) and
checked by SHA-256 on the array that serves each volume afterwards. Cinder's manager is played by
manager_failover(), which applies the driver's answer exactly as cinder/volume/manager.py does.
"""

import hashlib
import random

import grpc
import pytest

from cinder import exception
from purebridge import client as pb_client
from purebridge import driver
from purebridge.v1 import replication_admin_pb2 as repl_pb
from tests import cinder_objects as objs
from tests import conftest as shared
from tests.fake_services import FakeImageService
from tests.functional import replication
from tests.functional.admin import Admin

pytestmark = [pytest.mark.functional, pytest.mark.timeout(300)]

MIB = 1 << 20
PRIMARY, SYNC, DR = "pure-primary", "pure-sync", "pure-dr"


class Controls(Admin):
    """Admin plus array stop/start, which only these tests need."""

    def stop_array(self, array):
        self.repl.StopArray(repl_pb.StopArrayRequest(
            access=self.access(array), array=array), timeout=60)

    def start_array(self, array):
        self.repl.StartArray(repl_pb.StartArrayRequest(
            access=self.access(array), array=array), timeout=60)

    def await_pod_online(self, array, ticks=60):
        for _ in range(ticks):
            if self.member(replication.POD, array).status == "online":
                return
            self.tick()
        raise AssertionError("pod never came back online on %s" % array)


@pytest.fixture
def svc(start_service):
    return start_service()


@pytest.fixture
def controls(svc):
    api = Controls(svc)
    yield api
    api.close()


@pytest.fixture
def build(section):
    """Builds a driver on the section; active_backend_id as cinder-volume passes it on start."""
    def make(service, active_backend_id=None, host_suffix="", rest=False):
        def client_factory(endpoint, timeout):
            return pb_client.PureBridgeClient(endpoint, timeout, backoff=0.2,
                                              attempts=3)
        drv = driver.PureISCSIDriver(
            configuration=shared.make_configuration(section),
            host="cinder-func%s@%s" % (host_suffix, section),
            active_backend_id=active_backend_id,
            client_factory=client_factory)
        def device(name, kind):
            line = {"backend_id": name, "san_ip": "sim://" + name,
                    "api_token": service.tokens[name], "type": kind}
            if rest:
                line.update(san_ip=service.rest[name].san_ip,
                            ssl_cert_verify="true",
                            ssl_cert_path=service.rest[name].ca_bundle)
            return line
        array = {"san_ip": "sim://" + PRIMARY}
        if rest:
            array = {"san_ip": service.rest[PRIMARY].san_ip,
                     "driver_ssl_cert_verify": True,
                     "driver_ssl_cert_path": service.rest[PRIMARY].ca_bundle}
        shared.override(
            section, purebridge_endpoint=service.endpoint,
            purebridge_timeout=60.0,
            pure_api_token=service.tokens[PRIMARY],
            pure_trisync_enabled=True,
            replication_device=[device(SYNC, "sync"), device(DR, "async")],
            **array)
        drv.do_setup(None)
        return drv
    return make


class Writer(object):
    def __init__(self):
        self.images = FakeImageService()
        self.seed = 0

    def write(self, drv, vol, length=MIB):
        self.seed += 1
        data = random.Random(self.seed).randbytes(length)
        image_id = "img-%d" % self.seed
        self.images.add(image_id, data)
        drv.copy_image_to_volume(None, vol, self.images, image_id)
        return len(data), hashlib.sha256(data).hexdigest()


def manager_failover(drv, volumes, secondary_id, clustered=False,
                     others=()):
    """What cinder-volume's manager does with failover_host (or, clustered, failover and then
    failover_completed on every service of the cluster): apply each volume's update, with the
    manager's defaults for replication_status. Returns the active backend id.
    """
    failback = secondary_id == "default"
    if clustered:
        active, updates, groups = drv.failover(
            objs.admin_context(), volumes, secondary_id=secondary_id, groups=[])
        for member in (drv,) + tuple(others):
            member.failover_completed(objs.admin_context(), active)
    else:
        active, updates, groups = drv.failover_host(
            objs.admin_context(), volumes, secondary_id=secondary_id, groups=[])
    assert groups == []
    by_id = {u["volume_id"]: u["updates"] for u in updates}
    assert set(by_id) == {v.id for v in volumes}
    for vol in volumes:
        update = dict(by_id[vol.id])
        if update.get("status", "") == "error":
            update["replication_status"] = "failover-error"
        elif update.get("replication_status") in (None, "failed-over"):
            update["replication_status"] = "enabled" if failback else "failed-over"
        if update["replication_status"] == "failover-error":
            update.setdefault("status", "error")
        vol.update(update)
    return active


def make(drv, mode):
    vol = replication.make(drv, mode)
    vol.replication_status = "disabled" if mode == "none" else "enabled"
    vol.status = "available"
    return vol


def stats(drv):
    return drv.get_volume_stats(refresh=True)


def test_async_and_trisync_fail_over_to_dr_with_the_primary_down_then_fail_back_with_the_dr_writes(
        svc, controls, build):
    drv = build(svc)
    writer = Writer()
    vols = {m: make(drv, m) for m in ("async", "trisync", "sync")}
    replicated = {m: writer.write(drv, v) for m, v in vols.items()}
    controls.replicate_now(PRIMARY, replication.ASYNC_GROUP)
    controls.replicate_now(PRIMARY, replication.TRISYNC_GROUP)
    # Written after the last transfer: not on pure-dr (the async RPO), as it should be.
    writer.write(drv, vols["async"])
    controls.stop_array(PRIMARY)

    volumes = list(vols.values())
    assert manager_failover(drv, volumes, DR) == DR

    for mode in ("async", "trisync"):
        vol = vols[mode]
        assert vol.status == "available"
        assert vol.replication_status == "failed-over"
        assert "::" not in vol.provider_id
        assert vol.metadata["array_name"] == DR
        length, digest = replicated[mode]
        assert controls.checksum(DR, vol.provider_id, length) == digest
    # A sync-only volume has no copy on the async array.
    assert vols["sync"].status == "error"
    assert vols["sync"].replication_status == "failover-error"

    # The driver keeps working on pure-dr.
    assert stats(drv)["replication_status"] == "failed-over"
    on_dr = {m: writer.write(drv, vols[m]) for m in ("async", "trisync")}
    snap = objs.make_snapshot(vols["async"])
    snap.provider_id = drv.create_snapshot(snap)["provider_id"]
    created = make(drv, "async")
    on_dr["created"] = writer.write(drv, created)
    vols["created"] = created

    # Failback needs the primary back and its pod in sync again.
    controls.start_array(PRIMARY)
    controls.await_pod_online(PRIMARY)
    back = [vols[m] for m in ("async", "trisync", "created")]
    assert manager_failover(drv, back, "default") == "default"
    assert stats(drv)["replication_status"] == "enabled"
    for key in ("async", "trisync", "created"):
        vol = vols[key]
        assert vol.replication_status == "enabled", key
        assert vol.metadata["array_name"] == PRIMARY
        length, digest = on_dr[key]
        assert controls.checksum(PRIMARY, vol.provider_id, length) == digest, key
    # Trisync is back in the stretched pod, on both arrays, and protected again.
    assert vols["trisync"].provider_id.startswith(replication.POD + "::")
    length, digest = on_dr["trisync"]
    assert controls.checksum(SYNC, vols["trisync"].provider_id, length) == digest
    snap_name = replication.dr_snapshot(controls, replication.ASYNC_GROUP,
                                        created.provider_id)
    length, digest = on_dr["created"]
    assert controls.checksum(DR, snap_name, length) == digest


def test_sync_failover_with_the_link_cut_and_twice(svc, controls, build):
    drv = build(svc)
    writer = Writer()
    sync = make(drv, "sync")
    tri = make(drv, "trisync")
    asyn = make(drv, "async")
    data = {v.id: writer.write(drv, v) for v in (sync, tri, asyn)}
    controls.replicate_now(PRIMARY, replication.ASYNC_GROUP)

    # The primary keeps the pod when the link is cut (it is the first member): pure-sync cannot
    # serve, so failover there is refused and nothing changes.
    controls.cut_link(PRIMARY, SYNC)
    with pytest.raises(exception.InvalidReplicationTarget) as refused:
        drv.failover_host(objs.admin_context(), [sync, tri, asyn],
                          secondary_id=SYNC)
    assert SYNC in str(refused.value)
    assert stats(drv)["replication_status"] == "enabled"
    controls.restore_link(PRIMARY, SYNC)
    controls.await_pod_online(SYNC)

    # Primary gone: no secondary_id chooses the healthy sync target, as upstream.
    controls.stop_array(PRIMARY)
    controls.tick()
    volumes = [sync, tri, asyn]
    assert manager_failover(drv, volumes, None) == SYNC
    assert [v.replication_status for v in volumes] == ["failed-over"] * 3
    for vol in volumes:
        length, digest = data[vol.id]
        assert controls.checksum(SYNC, vol.provider_id, length) == digest
    # Twice: the same answer, nothing moved, data as it was.
    assert manager_failover(drv, volumes, SYNC) == SYNC
    assert [v.replication_status for v in volumes] == ["failed-over"] * 3
    written = {sync.id: writer.write(drv, sync),
               asyn.id: writer.write(drv, asyn)}
    assert controls.checksum(SYNC, sync.provider_id,
                             written[sync.id][0]) == written[sync.id][1]

    # Failback: the pod resyncs the primary, the async volume is shipped back.
    controls.start_array(PRIMARY)
    controls.await_pod_online(PRIMARY)
    assert manager_failover(drv, volumes, "default") == "default"
    assert [v.replication_status for v in volumes] == ["enabled"] * 3
    for vol in (sync, asyn):
        assert vol.metadata["array_name"] == PRIMARY
        length, digest = written[vol.id]
        assert controls.checksum(PRIMARY, vol.provider_id, length) == digest


def test_restart_with_active_backend_id_and_active_active(svc, controls, build):
    node1 = build(svc, host_suffix="-1")
    node2 = build(svc, host_suffix="-2")
    writer = Writer()
    vol = make(node1, "async")
    data = writer.write(node1, vol)
    controls.replicate_now(PRIMARY, replication.ASYNC_GROUP)
    controls.stop_array(PRIMARY)

    # A/A: failover on one node, failover_completed broadcast to both.
    assert manager_failover(node1, [vol], DR, clustered=True,
                            others=(node2,)) == DR
    assert vol.replication_status == "failed-over"
    assert controls.checksum(DR, vol.provider_id, data[0]) == data[1]
    created = make(node2, "none")
    assert controls.checksum(DR, created.provider_id, 4096)
    assert stats(node2)["replication_status"] == "failed-over"
    # failover_completed may arrive twice.
    node2.failover_completed(objs.admin_context(), DR)

    # cinder-volume restarted with active_backend_id: up on pure-dr while the primary is down.
    restarted = build(svc, active_backend_id=DR, host_suffix="-3")
    assert stats(restarted)["replication_status"] == "failed-over"
    more = writer.write(restarted, vol)
    assert controls.checksum(DR, vol.provider_id, more[0]) == more[1]


def test_bad_requests_raise_invalid_replication_target_and_change_nothing(
        svc, controls, build):
    drv = build(svc)
    vol = make(drv, "async")
    controls.replicate_now(PRIMARY, replication.ASYNC_GROUP)
    ctx = objs.admin_context()

    cases = [
        ("nowhere", [vol], ["'nowhere'", "'pure-sync'", "'pure-dr'"]),
        ("default", [vol], ["not failed over"]),
        (DR, [], ["'pure-dr'", "no replicated volume"]),
    ]
    for secondary, volumes, words in cases:
        with pytest.raises(exception.InvalidReplicationTarget) as err:
            drv.failover_host(ctx, volumes, secondary_id=secondary)
        for word in words:
            assert word in str(err.value), (secondary, str(err.value))

    controls.stop_array(DR)
    with pytest.raises(exception.InvalidReplicationTarget) as down:
        drv.failover_host(ctx, [vol], secondary_id=DR)
    assert "'pure-dr'" in str(down.value)
    assert "unreachable" in str(down.value)
    controls.start_array(DR)

    # Still on the primary, the volume untouched and served there.
    assert stats(drv)["replication_status"] == "enabled"
    assert drv._active_backend_id is None
    written = Writer().write(drv, vol)
    assert controls.checksum(PRIMARY, vol.provider_id, written[0]) == written[1]


def _admin_cli(svc, *args):
    import os
    import subprocess
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
    env = dict(os.environ, PUREBRIDGE_JAR=os.path.abspath(svc.jar))
    return subprocess.run(
        [os.path.join(root, "bin", "purebridge-admin")] + list(args) +
        ["--endpoint", svc.endpoint, "--tokens-file", svc.config],
        capture_output=True, text=True, timeout=120, env=env)


def test_dr_drill_from_the_cli_leaves_production_alone(svc, controls, build):
    drv = build(svc)
    writer = Writer()
    asyn = make(drv, "async")
    tri = make(drv, "trisync")
    data = {v.id: writer.write(drv, v) for v in (asyn, tri)}
    controls.replicate_now(PRIMARY, replication.ASYNC_GROUP)
    controls.replicate_now(PRIMARY, replication.TRISYNC_GROUP)
    section = drv._backend_name()

    started = _admin_cli(svc, "dr-test", "start", "--backend", section,
                         "--target", DR)
    assert started.returncode == 0, started.stderr
    assert "2 test copies" in started.stdout
    copy_names = {asyn.id: "drtest-" + asyn.provider_id,
                  tri.id: "drtest-" + tri.provider_id.split("::", 1)[1]}
    for vol in (asyn, tri):
        assert copy_names[vol.id] in started.stdout
        length, digest = data[vol.id]
        assert controls.checksum(DR, copy_names[vol.id], length) == digest
    # Production goes on: a new write replicates as before; the copies keep the drill's data.
    newer = writer.write(drv, asyn)
    snap = replication.dr_snapshot(controls, replication.ASYNC_GROUP,
                                   asyn.provider_id)
    assert controls.checksum(DR, snap, newer[0]) == newer[1]
    assert controls.checksum(DR, copy_names[asyn.id],
                             data[asyn.id][0]) == data[asyn.id][1]

    status = _admin_cli(svc, "dr-test", "status", "--backend", section,
                        "--target", DR)
    assert status.returncode == 0, status.stderr
    assert "worst RPO" in status.stdout

    wrong = _admin_cli(svc, "dr-test", "start", "--backend", section,
                       "--target", DR, "--target-array", PRIMARY)
    assert wrong.returncode == 1
    assert "UNAUTHENTICATED" in wrong.stderr
    assert svc.tokens[PRIMARY] not in wrong.stderr

    stopped = _admin_cli(svc, "dr-test", "stop", "--backend", section,
                         "--target", DR)
    assert stopped.returncode == 0, stopped.stderr
    assert "2 test copies removed" in stopped.stdout
    with pytest.raises(grpc.RpcError) as gone:
        controls.checksum(DR, copy_names[asyn.id], 4096)
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND
    assert stats(drv)["replication_status"] == "enabled"


def test_failover_and_failback_over_rest_keep_every_byte(svc, controls, build):
    """The path a real FlashArray takes: every array reached over HTTPS by the service."""
    drv = build(svc, rest=True)
    vols = {m: make(drv, m) for m in ("async", "trisync")}
    data = {}
    for seed, (mode, vol) in enumerate(sorted(vols.items())):
        payload = random.Random(seed).randbytes(256 * 1024)
        controls.write(PRIMARY, vol.provider_id, 0, payload)
        data[mode] = (len(payload), hashlib.sha256(payload).hexdigest())

    # Planned: the primary answers, so the driver ships its newest data first.
    assert manager_failover(drv, list(vols.values()), DR) == DR
    for mode, vol in vols.items():
        assert vol.replication_status == "failed-over"
        assert controls.checksum(DR, vol.provider_id, data[mode][0]) == \
            data[mode][1]
        payload = random.Random(10 + len(mode)).randbytes(128 * 1024)
        controls.write(DR, vol.provider_id, 4096, payload)
        data[mode] = (4096 + len(payload), None)
        data[mode] = (data[mode][0], controls.checksum(
            DR, vol.provider_id, data[mode][0]))
    assert stats(drv)["replication_status"] == "failed-over"

    assert manager_failover(drv, list(vols.values()), "default") == "default"
    for mode, vol in vols.items():
        assert vol.replication_status == "enabled"
        assert controls.checksum(PRIMARY, vol.provider_id,
                                 data[mode][0]) == data[mode][1]
    assert vols["trisync"].provider_id.startswith(replication.POD + "::")
    assert controls.checksum(SYNC, vols["trisync"].provider_id,
                             data["trisync"][0]) == data["trisync"][1]
