"""Cinder's own PureISCSIDriver, unchanged, runs its whole surface against the
front end: every step is checked on the arrays through py-pure-client and,
where bytes matter, through the service's data API.

Failover tests come last in this file: they move the driver to a secondary
array and back.
"""

import hashlib
import os

import pytest

from tests.upstream.conftest import DR
from tests.upstream.conftest import GIB
from tests.upstream.conftest import PRIMARY
from tests.upstream.conftest import SYNC

pytestmark = pytest.mark.conformance

CONNECTOR = {"host": "compute-1", "ip": "10.0.0.5", "multipath": True,
             "initiator": "iqn.1993-08.org.debian:01:compute-1"}


def volume_on(client, name):
    """The array's volume item, or None when the array has no such volume."""
    res = client.get_volumes(names=[name])
    if res.status_code != 200:
        assert "does not exist" in res.errors[0].message, res.errors[0].message
        return None
    return list(res.items)[0]


def names(response):
    assert response.status_code == 200, response.errors[0].message
    return sorted(item.name for item in response.items)


def sha(data):
    return hashlib.sha256(data).hexdigest()


# -- setup -------------------------------------------------------------------

def test_setup_builds_the_replication_topology_on_the_arrays(driver, arrays):
    pod = list(arrays[PRIMARY].get_pods(names=["cinder-pod"]).items)[0]
    ids = {list(a.get_arrays().items)[0].id for a in arrays.values()}
    assert {m.name for m in pod.arrays} == {PRIMARY, SYNC}
    assert {m.id for m in pod.arrays} <= ids
    assert all(m.status == "online" for m in pod.arrays)
    targets = arrays[PRIMARY].get_protection_groups_targets(
        group_names=["cinder-group"])
    # Upstream makes every replication target a target of the async group.
    assert sorted(t.member.name for t in targets.items) == [DR, SYNC]
    remote = list(arrays[DR].get_protection_groups_targets(
        group_names=["%s:cinder-group" % PRIMARY]).items)
    assert [t.allowed for t in remote] == [True]
    assert "cinder-pod::cinder-trisync" in names(
        arrays[PRIMARY].get_protection_groups())


# -- volume lifecycle ---------------------------------------------------------

def test_volume_snapshot_clone_extend_revert_and_delete(
        driver, arrays, admin, new_volume, new_snapshot, cinder_db):
    vol = new_volume(size=1)
    first, second = os.urandom(4096), os.urandom(4096)
    admin.write(PRIMARY, vol.provider_id, 0, first)
    snap = new_snapshot(vol)
    admin.write(PRIMARY, vol.provider_id, 0, second)

    from_snap = new_volume(
        size=2, snapshot_id=snap.id,
        via=lambda v: driver.create_volume_from_snapshot(v, snap))
    clone = new_volume(source_volid=vol.id,
                       via=lambda v: driver.create_cloned_volume(v, vol))

    primary = arrays[PRIMARY]
    assert volume_on(primary, from_snap.provider_id).provisioned == 2 * GIB
    assert admin.checksum(PRIMARY, from_snap.provider_id, 4096) == sha(first)
    assert admin.checksum(PRIMARY, clone.provider_id, 4096) == sha(second)

    driver.extend_volume(vol, 3)
    assert volume_on(primary, vol.provider_id).provisioned == 3 * GIB
    driver.revert_to_snapshot(cinder_db, vol, snap)
    assert admin.checksum(PRIMARY, vol.provider_id, 4096) == sha(first)

    driver.delete_snapshot(snap)
    for v in (from_snap, clone, vol):
        driver.delete_volume(v)
        # The upstream default keeps deleted volumes recoverable.
        assert volume_on(primary, v.provider_id).destroyed is True
    # Deleting a snapshot again (Cinder retrying) succeeds.
    driver.delete_snapshot(snap)


def test_attach_and_detach_over_iscsi(driver, arrays, new_volume):
    vol = new_volume()
    info = driver.initialize_connection(vol, CONNECTOR)
    assert info["driver_volume_type"] == "iscsi"
    data = info["data"]
    portals = {p.name: p for p in arrays[PRIMARY].get_ports().items}
    iqns = {getattr(p, "iqn", None) for p in portals.values()}
    assert set(data["target_iqns"]) <= iqns
    assert len(data["target_portals"]) == len(data["target_luns"]) >= 2
    conns = list(arrays[PRIMARY].get_connections(
        volume_names=[vol.provider_id]).items)
    assert [c.lun for c in conns] == [data["target_luns"][0]]
    host = conns[0].host.name
    assert CONNECTOR["initiator"] in list(
        arrays[PRIMARY].get_hosts(names=[host]).items)[0].iqns

    driver.terminate_connection(vol, CONNECTOR)
    res = arrays[PRIMARY].get_connections(volume_names=[vol.provider_id])
    assert res.status_code == 200 and list(res.items) == []
    driver.delete_volume(vol)


def test_stats_report_capacity_replication_and_performance(driver, admin,
                                                           new_volume):
    vol = new_volume()
    admin.write(PRIMARY, vol.provider_id, 0, os.urandom(1 << 20))
    stats = driver.get_volume_stats(refresh=True)
    assert stats["volume_backend_name"] == "puredriver-upstream"
    assert stats["total_capacity_gb"] > 0
    assert 0 < stats["free_capacity_gb"] <= stats["total_capacity_gb"]
    assert stats["replication_enabled"] is True
    assert sorted(stats["replication_targets"]) == [DR, SYNC]
    for key in ("reads_per_sec", "writes_per_sec", "usec_per_write_op"):
        assert key in stats, sorted(stats)
    driver.delete_volume(vol)


# -- QoS, volume groups -------------------------------------------------------

def test_qos_type_limits_the_volume_on_the_array(driver, arrays, new_volume):
    vol = new_volume("qos")
    qos = volume_on(arrays[PRIMARY], vol.provider_id).qos
    assert qos.iops_limit == 5000
    assert qos.bandwidth_limit == 200 * 2 ** 20
    driver.delete_volume(vol)


def test_volume_group_type_places_the_volume_in_its_group(driver, arrays,
                                                          new_volume):
    vol = new_volume("vgroup")
    assert vol.provider_id.startswith("cinder-vg/")
    group = list(arrays[PRIMARY].get_volume_groups(
        names=["cinder-vg"]).items)[0]
    assert group.qos.iops_limit == 10000
    assert group.volume_count == 1
    driver.delete_volume(vol)


# -- replication --------------------------------------------------------------

def test_replicated_types_land_in_the_pod_and_groups(driver, arrays, admin,
                                                     new_volume):
    sync, async_, trisync = (new_volume("sync"), new_volume("async"),
                             new_volume("trisync"))
    assert sync.provider_id.startswith("cinder-pod::")
    data = os.urandom(8192)
    admin.write(PRIMARY, sync.provider_id, 0, data)
    # Acknowledged on the primary means stored on the pod's other array too.
    assert admin.checksum(SYNC, sync.provider_id, len(data)) == sha(data)
    assert volume_on(arrays[SYNC], trisync.provider_id) is not None
    members = arrays[PRIMARY].get_protection_groups_volumes(
        member_names=[async_.provider_id])
    assert [m.group.name for m in members.items] == ["cinder-group"]
    members = arrays[PRIMARY].get_protection_groups_volumes(
        member_names=[trisync.provider_id])
    assert [m.group.name for m in members.items] == [
        "cinder-pod::cinder-trisync"]
    for v in (sync, async_, trisync):
        driver.delete_volume(v)


def test_retype_moves_a_volume_into_the_pod_keeping_its_data(
        driver, arrays, admin, new_volume, types, cinder_db):
    vol = new_volume()
    data = os.urandom(4096)
    admin.write(PRIMARY, vol.provider_id, 0, data)
    changed, update = driver.retype(cinder_db, vol, types["sync"], {}, None)
    assert changed is True
    assert update["replication_status"] == "enabled"
    name = update["metadata"]["array_volume_name"]
    assert name.startswith("cinder-pod::") and name == vol.provider_id
    assert admin.checksum(SYNC, name, len(data)) == sha(data)
    driver.delete_volume(vol)
    assert volume_on(arrays[PRIMARY], name).destroyed is True


def test_consistency_group_snapshot_and_group_from_it(driver, arrays, admin,
                                                      cinder_db, types,
                                                      new_volume):
    from cinder import objects
    from cinder.volume import group_types
    gt = group_types.create(cinder_db, "cg-upstream",
                            {"consistent_group_snapshot_enabled": "<is> True"})
    plain = types["plain"]["id"]

    def group(name, create=True):
        g = objects.Group(cinder_db, group_type_id=gt["id"],
                          volume_type_ids=[plain], name=name,
                          status="creating", project_id="project-1",
                          user_id="user-1", host="cinder-upstream@x#x",
                          availability_zone="nova")
        g.create()
        if create:
            assert driver.create_group(cinder_db, g)["status"] == "available"
        g.status = "available"
        g.save()
        return g

    g1 = group("g1")
    vol = new_volume(group_id=g1.id)
    data = os.urandom(4096)
    admin.write(PRIMARY, vol.provider_id, 0, data)
    driver.update_group(cinder_db, g1, add_volumes=[vol], remove_volumes=[])
    gs = objects.GroupSnapshot(cinder_db, group_id=g1.id, group_type_id=gt["id"],
                               name="gs1", status="creating",
                               project_id="project-1", user_id="user-1")
    gs.create()
    snap = objects.Snapshot(cinder_db, volume_id=vol.id, volume_size=1,
                            status="creating", project_id="project-1",
                            user_id="user-1", group_snapshot_id=gs.id,
                            volume_type_id=plain)
    snap.create()
    driver.create_group_snapshot(cinder_db, gs, [snap])
    pg = "consisgroup-%s-cinder" % g1.id
    snaps = names(arrays[PRIMARY].get_protection_group_snapshots(names=[pg]))
    assert snaps == ["%s.cgsnapshot-%s-cinder" % (pg, gs.id)]

    g2 = group("g2", create=False)  # create_group_from_src creates it
    copy = objects.Volume(cinder_db, size=1, volume_type_id=plain,
                          host="cinder-upstream@x#x", status="creating",
                          project_id="project-1", user_id="user-1",
                          attach_status="detached", group_id=g2.id)
    copy.create()
    _, updates = driver.create_group_from_src(cinder_db, g2, [copy],
                                              group_snapshot=gs,
                                              snapshots=[snap])
    copy_name = updates[0]["provider_id"]
    assert admin.checksum(PRIMARY, copy_name, len(data)) == sha(data)

    driver.delete_group_snapshot(cinder_db, gs, [snap])
    destroyed = list(arrays[PRIMARY].get_protection_group_snapshots(
        names=[pg], destroyed=True).items)
    assert [s.destroyed for s in destroyed] == [True]
    copy.provider_id = copy_name
    driver.delete_group(cinder_db, g2, [copy])
    driver.delete_group(cinder_db, g1, [vol])
    res = arrays[PRIMARY].get_protection_groups(names=[pg], destroyed=False)
    assert res.status_code == 400


# -- failover (last: they move the driver) -------------------------------------

def test_async_failover_restores_replicated_bytes_on_the_dr_array(
        driver, arrays, admin, cinder_db, new_volume):
    vol = new_volume("async")
    data = os.urandom(65536)
    admin.write(PRIMARY, vol.provider_id, 0, data)
    admin.replicate_now(PRIMARY, "cinder-group")

    active, updates, _ = driver.failover_host(cinder_db, [vol], DR, [])
    try:
        assert active == DR
        assert updates == [{"volume_id": vol.id,
                            "updates": {"replication_status": "failed-over"}}]
        assert admin.checksum(DR, vol.provider_id, len(data)) == sha(data)
        # While failed over the driver reports the DR array.
        stats = driver.get_volume_stats(refresh=True)
        assert stats["total_capacity_gb"] > 0
    finally:
        active, _, _ = driver.failover_host(cinder_db, [vol], "default", [])
    assert active == "default"


def test_sync_failover_keeps_pod_volumes_and_errors_the_rest(
        driver, cinder_db, new_volume):
    sync, plain = new_volume("sync"), new_volume()
    plain.replication_status = "enabled"  # what Cinder passes it would be
    active, updates, _ = driver.failover_host(cinder_db, [sync, plain], SYNC,
                                              [])
    try:
        assert active == SYNC
        by_id = {u["volume_id"]: u["updates"] for u in updates}
        assert by_id[sync.id] == {"replication_status": "failed-over"}
        assert by_id[plain.id] == {"status": "error"}
    finally:
        active, _, _ = driver.failover_host(cinder_db, [sync], "default", [])
    assert active == "default"
