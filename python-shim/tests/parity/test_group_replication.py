"""Group replication (Tiramisu) through purebridge's driver, on both paths: a consistency group
of async replicated volumes is one protection group replicating to pure-dr once enabled; it fails
over on its own (the rest of the backend stays on pure-primary) with the bytes written before the
failover readable there, I/O (attach, writes) continues on pure-dr, and failback returns the
volumes with what was written there. A group of sync replicated volumes is its own pod,
stretched to pure-sync on enable; it fails over to pure-sync with no data moved, and back; a
tri-sync group's in-pod protection group also ships to pure-dr, where it can fail over.
Cinder's manager is played by `manager`, which applies the driver's answers as
cinder/volume/manager.py does. Arrays are read with py-pure-client.
"""

import hashlib
import random
import time

import pytest

from cinder import exception
from cinder import objects
from pypureclient import flasharray

from tests.parity.conftest import ok
from tests.parity.conftest import PRIMARY
from tests.parity.conftest import volume_on

pytestmark = [pytest.mark.functional, pytest.mark.timeout(300)]

DR = "pure-dr"
SYNC_ARRAY = "pure-sync"
LENGTH = 1 << 20
ASYNC = {"replication_enabled": "<is> True"}
SYNC = {"replication_enabled": "<is> True", "replication_type": "<in> sync"}
REPLICATED_CG = {"consistent_group_snapshot_enabled": "<is> True",
                 "consistent_group_replication_enabled": "<is> True"}
CONNECTOR = {"host": "compute-16", "ip": "10.0.0.16", "multipath": True,
             "initiator": "iqn.1993-08.org.debian:01:compute-16"}


def pg_name(group):
    return "consisgroup-%s-cinder" % group.id


@pytest.fixture(scope="module")
def dr_array(service):
    client = flasharray.Client(target=service.rest[DR].san_ip,
                               api_token=service.tokens[DR], verify_ssl=False)
    yield client
    client._token_man.close_session()


@pytest.fixture(scope="module")
def sync_array(service):
    client = flasharray.Client(target=service.rest[SYNC_ARRAY].san_ip,
                               api_token=service.tokens[SYNC_ARRAY],
                               verify_ssl=False)
    yield client
    client._token_man.close_session()


@pytest.fixture
def sync_driver(make_driver, service):
    """A driver with pure-sync (type sync) and pure-dr (async) as replication_devices."""
    def build():
        lines = [{"backend_id": SYNC_ARRAY, "san_ip": "sim://" + SYNC_ARRAY,
                  "api_token": service.tokens[SYNC_ARRAY], "type": "sync"},
                 {"backend_id": DR, "san_ip": "sim://" + DR,
                  "api_token": service.tokens[DR], "type": "async"}]
        drv = make_driver(replication_device=lines)
        if not drv.configuration.safe_get("san_ip").startswith("sim://"):
            for line in lines:
                rest = service.rest[line["backend_id"]]
                line.update(san_ip=rest.san_ip, ssl_cert_verify="true",
                            ssl_cert_path=rest.ca_bundle)
            drv = make_driver(replication_device=lines)
        return drv
    return build


@pytest.fixture
def replicated_driver(make_driver, service, request):
    """A driver with pure-dr as its async replication_device, reached on the path under test."""
    def build():
        line = {"backend_id": DR, "san_ip": "sim://" + DR,
                "api_token": service.tokens[DR], "type": "async"}
        drv = make_driver(replication_device=[line])
        if not drv.configuration.safe_get("san_ip").startswith("sim://"):
            line.update(san_ip=service.rest[DR].san_ip, ssl_cert_verify="true",
                        ssl_cert_path=service.rest[DR].ca_bundle)
            drv = make_driver(replication_device=[line])
        return drv
    return build


@pytest.fixture
def new_group(cinder_db, make_group_type):
    def make(drv, vtype, specs=REPLICATED_CG):
        gtype = make_group_type(specs)
        group = objects.Group(cinder_db, group_type_id=gtype["id"],
                              volume_type_ids=[vtype["id"]],
                              host=drv.host + "#" + drv._backend_name(),
                              status="creating", project_id="project-1",
                              user_id="user-1", name="g",
                              replication_status="disabled")
        group.create()
        return objects.Group.get_by_id(cinder_db, group.id)
    return make


def created(drv, cinder_db, group):
    group.update(drv.create_group(cinder_db, group))
    group.save()
    return group


def manager(action, cinder_db, group, transient, done, secondary=None):
    """Cinder's manager around enable/disable/failover_replication: statuses set to the transient
    one, the driver's updates applied by 'id', then the final statuses."""
    group.replication_status = transient
    group.save()
    volumes = list(objects.Group.get_by_id(cinder_db, group.id).volumes)
    for vol in volumes:
        vol.replication_status = transient
        vol.save()
    args = (cinder_db, group, volumes)
    if secondary is not None:
        args += (secondary,)
    model, updates = action(*args)
    assert model["replication_status"] != "error", updates
    for update in updates:
        vol = objects.Volume.get_by_id(cinder_db, update["id"])
        vol.update(update)
        vol.save()
    group.update(model)
    group.replication_status = done
    group.save()
    for vol in objects.Group.get_by_id(cinder_db, group.id).volumes:
        vol.replication_status = done
        vol.save()
    return {u["id"]: u for u in updates}


def write(admin, array, name, seed):
    data = random.Random(seed).randbytes(LENGTH)
    assert admin.write(array, name, 0, data) == LENGTH
    return hashlib.sha256(data).hexdigest()


def members(cinder_db, group):
    return sorted(objects.Group.get_by_id(cinder_db, group.id).volumes,
                  key=lambda v: v.id)


def test_a_group_fails_over_alone_with_its_bytes_and_back(
        replicated_driver, array, dr_array, admin, cinder_db, make_type,
        new_group, new_volume):
    drv = replicated_driver()
    stats = drv.get_volume_stats(refresh=True)
    assert stats["consistent_group_replication_enabled"] is True
    vtype = make_type(ASYNC)
    group = created(drv, cinder_db, new_group(drv, vtype))
    assert group.status == "available"
    v1 = new_volume(drv, vtype, group_id=group.id)
    v2 = new_volume(drv, vtype, group_id=group.id)
    outside = new_volume(drv, vtype)
    # Replicated by the group alone, once Cinder enables it.
    assert v1.replication_status == "disabled"
    assert sorted(m.member.name for m in ok(array.get_protection_groups_volumes(
        group_names=[pg_name(group)]))) == sorted([v1.provider_id, v2.provider_id])

    updates = manager(drv.enable_replication, cinder_db, group, "enabling",
                      "enabled")
    assert {u["replication_status"] for u in updates.values()} == {"enabled"}
    targets = ok(array.get_protection_groups_targets(
        group_names=[pg_name(group)]))
    assert [t.member.name for t in targets] == [DR]
    assert ok(dr_array.get_protection_groups(
        names=["%s:%s" % (PRIMARY, pg_name(group))]))

    before = {v.id: write(admin, PRIMARY, v.provider_id, seed)
              for seed, v in enumerate((v1, v2))}
    outside_sum = write(admin, PRIMARY, outside.provider_id, 7)

    updates = manager(drv.failover_replication, cinder_db, group,
                      "failing-over", "failed-over", secondary=DR)
    for vol in members(cinder_db, group):
        assert vol.replication_status == "failed-over"
        assert vol.provider_id == "%s:volume-%s-cinder" % (DR, vol.id)
        name = vol.provider_id.split(":", 1)[1]
        assert volume_on(dr_array, name) is not None
        assert vol.metadata["array_name"] == DR
        # Written before the failover, readable on the failed-over volume.
        assert admin.checksum(DR, name, LENGTH) == before[vol.id]
    # The backend is not failed over: other volumes stay on the primary.
    assert drv._active_backend_id is None
    stats = drv.get_volume_stats(refresh=True)
    assert stats["replication_status"] == "enabled"
    assert stats["active_backend_id"] == ""
    assert volume_on(array, outside.provider_id) is not None
    assert volume_on(dr_array, outside.provider_id) is None
    assert admin.checksum(PRIMARY, outside.provider_id, LENGTH) == outside_sum

    # I/O continues on pure-dr: the host attaches there, writes land there.
    vol = members(cinder_db, group)[0]
    name = vol.provider_id.split(":", 1)[1]
    drv.initialize_connection(vol, CONNECTOR)
    assert [c.volume.name for c in ok(dr_array.get_connections(
        volume_names=[name]))] == [name]
    on_primary = array.get_connections(volume_names=[name])
    assert on_primary.status_code != 200 or not list(on_primary.items)
    drv.terminate_connection(vol, CONNECTOR)
    on_dr = {v.id: write(admin, DR, v.provider_id.split(":", 1)[1], 20 + i)
             for i, v in enumerate(members(cinder_db, group))}
    assert drv.get_replication_error_status(cinder_db, [group]) == ([], [])

    manager(drv.failover_replication, cinder_db, group, "failing-over",
            "enabled", secondary="default")
    for vol in members(cinder_db, group):
        assert vol.provider_id == "volume-%s-cinder" % vol.id
        assert vol.metadata["array_name"] == PRIMARY
        assert admin.checksum(PRIMARY, vol.provider_id, LENGTH) == on_dr[vol.id]
        gone = volume_on(dr_array, vol.provider_id)
        assert gone is None or gone.destroyed

    manager(drv.disable_replication, cinder_db, group, "disabling",
            "disabled")
    assert not ok(array.get_protection_groups_targets(
        group_names=[pg_name(group)]))
    # What pure-dr received stays there.
    assert ok(dr_array.get_protection_group_snapshots(
        source_names=["%s:%s" % (PRIMARY, pg_name(group))]))
    model, _ = drv.delete_group(cinder_db, group, members(cinder_db, group))
    assert model["status"] == "deleted"
    drv.delete_volume(outside)


def test_failover_to_an_unknown_backend_id_names_it_and_moves_nothing(
        replicated_driver, array, cinder_db, make_type, new_group, new_volume):
    drv = replicated_driver()
    vtype = make_type(ASYNC)
    group = created(drv, cinder_db, new_group(drv, vtype))
    vol = new_volume(drv, vtype, group_id=group.id)
    manager(drv.enable_replication, cinder_db, group, "enabling", "enabled")
    with pytest.raises(exception.InvalidReplicationTarget) as caught:
        drv.failover_replication(cinder_db, group, [vol], "nowhere")
    assert "'nowhere'" in str(caught.value)
    assert "'%s'" % DR in str(caught.value)
    vol = objects.Volume.get_by_id(cinder_db, vol.id)
    assert vol.provider_id == "volume-%s-cinder" % vol.id
    assert volume_on(array, vol.provider_id) is not None
    drv.delete_group(cinder_db, group, [vol])


@pytest.mark.parametrize("specs,named", [
    ({}, "replication_enabled=unset"),
    # Tri-sync needs a type:sync device, which this driver lacks.
    ({"replication_enabled": "<is> True", "replication_type": "<in> trisync"},
     "replication_type='<in> trisync'"),
])
def test_a_volume_type_the_group_cannot_replicate_is_refused_naming_it(
        replicated_driver, array, cinder_db, make_type, new_group, specs,
        named):
    drv = replicated_driver()
    group = new_group(drv, make_type(specs))
    with pytest.raises(exception.InvalidVolumeType) as caught:
        drv.create_group(cinder_db, group)
    assert named in str(caught.value)
    assert array.get_protection_groups(
        names=[pg_name(group)]).status_code != 200


def pod_arrays(client, pod):
    return [m.name for m in ok(client.get_pods(names=[pod]))[0].arrays]


def test_a_sync_group_fails_over_through_its_pod_and_back(
        sync_driver, array, sync_array, admin, cinder_db, make_type,
        new_group, new_volume):
    drv = sync_driver()
    vtype = make_type(SYNC)
    group = created(drv, cinder_db, new_group(drv, vtype))
    pod = pg_name(group)
    v1 = new_volume(drv, vtype, group_id=group.id)
    v2 = new_volume(drv, vtype, group_id=group.id)
    outside = new_volume(drv, vtype)
    for vol in (v1, v2):
        assert vol.provider_id == "%s::volume-%s-cinder" % (pod, vol.id)
        assert vol.replication_status == "disabled"
    assert outside.provider_id.startswith("cinder-pod::")
    assert pod_arrays(array, pod) == [PRIMARY]
    # The group's protection group lives in its pod: group snapshots are one operation.
    assert ok(array.get_protection_groups(names=["%s::%s" % (pod, pod)]))

    updates = manager(drv.enable_replication, cinder_db, group, "enabling",
                      "enabled")
    assert {u["replication_status"] for u in updates.values()} == {"enabled"}
    assert pod_arrays(array, pod) == [PRIMARY, SYNC_ARRAY]
    before = {v.id: write(admin, PRIMARY, v.provider_id, 30 + seed)
              for seed, v in enumerate((v1, v2))}
    outside_sum = write(admin, PRIMARY, outside.provider_id, 39)

    manager(drv.failover_replication, cinder_db, group, "failing-over",
            "failed-over", secondary=SYNC_ARRAY)
    for vol in members(cinder_db, group):
        assert vol.provider_id == "%s:%s::volume-%s-cinder" % (
            SYNC_ARRAY, pod, vol.id)
        assert vol.metadata["array_name"] == SYNC_ARRAY
        name = vol.provider_id.split(":", 1)[1]
        assert admin.checksum(SYNC_ARRAY, name, LENGTH) == before[vol.id]
    assert ok(sync_array.get_pods(names=[pod]))[0].failover_preferences[0] \
        .name == SYNC_ARRAY
    stats = drv.get_volume_stats(refresh=True)
    assert stats["active_backend_id"] == ""
    assert admin.checksum(PRIMARY, outside.provider_id, LENGTH) == outside_sum

    # I/O on pure-sync: the host attaches there; writes are mirrored by the pod.
    vol = members(cinder_db, group)[0]
    name = vol.provider_id.split(":", 1)[1]
    drv.initialize_connection(vol, CONNECTOR)
    assert [c.volume.name for c in ok(sync_array.get_connections(
        volume_names=[name]))] == [name]
    drv.terminate_connection(vol, CONNECTOR)
    on_sync = {v.id: write(admin, SYNC_ARRAY, v.provider_id.split(":", 1)[1],
                           40 + i)
               for i, v in enumerate(members(cinder_db, group))}
    assert drv.get_replication_error_status(cinder_db, [group]) == ([], [])

    manager(drv.failover_replication, cinder_db, group, "failing-over",
            "enabled", secondary="default")
    for vol in members(cinder_db, group):
        assert vol.provider_id == "%s::volume-%s-cinder" % (pod, vol.id)
        assert vol.metadata["array_name"] == PRIMARY
        assert admin.checksum(PRIMARY, vol.provider_id, LENGTH) == \
            on_sync[vol.id]

    # A cut link puts the group's replication in error.
    admin.cut_link(PRIMARY, SYNC_ARRAY)
    try:
        write(admin, PRIMARY, v1.provider_id, 50)
        group = objects.Group.get_by_id(cinder_db, group.id)
        groups, volumes = drv.get_replication_error_status(cinder_db, [group])
        assert [g["group_id"] for g in groups] == [group.id]
        assert groups[0]["replication_status"] == "error"
        assert sorted(v["volume_id"] for v in volumes) == sorted(
            [v1.id, v2.id])
        assert drv.get_volume_stats(refresh=True)[
            "replication_status"] == "error"
    finally:
        admin.restore_link(PRIMARY, SYNC_ARRAY)
    for _ in range(200):
        admin.tick()
        if admin.member(pod, SYNC_ARRAY).status == "online":
            break
        time.sleep(0.05)
    assert drv.get_replication_error_status(cinder_db, [group]) == ([], [])

    manager(drv.disable_replication, cinder_db, group, "disabling",
            "disabled")
    assert pod_arrays(array, pod) == [PRIMARY]
    for vol in members(cinder_db, group):
        assert volume_on(array, vol.provider_id) is not None
    model, _ = drv.delete_group(cinder_db, group, members(cinder_db, group))
    assert model["status"] == "deleted"
    drv.delete_volume(outside)


def test_a_consistency_group_of_sync_volumes_snapshots_inside_the_pod(
        sync_driver, array, sync_array, admin, cinder_db, make_type,
        new_group, new_volume):
    drv = sync_driver()
    vtype = make_type(SYNC)
    group = created(drv, cinder_db, new_group(
        drv, vtype, specs={"consistent_group_snapshot_enabled": "<is> True"}))
    pg = "cinder-pod::%s" % pg_name(group)
    vols = [new_volume(drv, vtype, group_id=group.id) for _ in range(2)]
    assert sorted(m.member.name for m in ok(array.get_protection_groups_volumes(
        group_names=[pg]))) == sorted(v.provider_id for v in vols)
    sums = {v.id: write(admin, PRIMARY, v.provider_id, 60 + i)
            for i, v in enumerate(vols)}
    gsnap = objects.GroupSnapshot(cinder_db, group_id=group.id,
                                  group_type_id=group.group_type_id,
                                  status="creating", project_id="project-1",
                                  user_id="user-1", name="gs")
    gsnap.create()
    snaps = []
    for v in vols:
        s = objects.Snapshot(cinder_db, volume_id=v.id, volume_size=1,
                             group_snapshot_id=gsnap.id, status="creating",
                             project_id="project-1", user_id="user-1",
                             volume_type_id=vtype["id"])
        s.create()
        snaps.append(objects.Snapshot.get_by_id(cinder_db, s.id))
    gsnap = objects.GroupSnapshot.get_by_id(cinder_db, gsnap.id)
    model, snap_models = drv.create_group_snapshot(cinder_db, gsnap, snaps)
    assert model["status"] == "available"
    name = "%s.cgsnapshot-%s-cinder" % (pg, gsnap.id)
    # One array operation over the group; the stretched pod holds it on pure-sync too.
    assert ok(array.get_protection_group_snapshots(names=[name]))
    assert ok(sync_array.get_protection_group_snapshots(names=[name]))
    for v in vols:
        assert admin.checksum(PRIMARY, "%s.%s" % (name, v.provider_id),
                              LENGTH) == sums[v.id]
    drv.delete_group_snapshot(cinder_db, gsnap, snaps)
    model, _ = drv.delete_group(cinder_db, group, vols)
    assert model["status"] == "deleted"
    assert array.get_protection_groups(names=[pg]).status_code != 200


def test_a_trisync_group_fails_over_to_the_async_leg_and_back_into_its_pod(
        sync_driver, array, dr_array, admin, cinder_db, make_type, new_group,
        new_volume):
    drv = sync_driver()
    vtype = make_type({"replication_enabled": "<is> True",
                       "replication_type": "<in> trisync"})
    group = created(drv, cinder_db, new_group(drv, vtype))
    pod = pg_name(group)
    vols = [new_volume(drv, vtype, group_id=group.id) for _ in range(2)]
    manager(drv.enable_replication, cinder_db, group, "enabling", "enabled")
    assert pod_arrays(array, pod) == [PRIMARY, SYNC_ARRAY]
    assert [t.member.name for t in ok(array.get_protection_groups_targets(
        group_names=["%s::%s" % (pod, pod)]))] == [DR]
    before = {v.id: write(admin, PRIMARY, v.provider_id, 70 + i)
              for i, v in enumerate(vols)}

    manager(drv.failover_replication, cinder_db, group, "failing-over",
            "failed-over", secondary=DR)
    for vol in members(cinder_db, group):
        assert vol.provider_id == "%s:volume-%s-cinder" % (DR, vol.id)
        name = vol.provider_id.split(":", 1)[1]
        assert admin.checksum(DR, name, LENGTH) == before[vol.id]
    on_dr = {v.id: write(admin, DR, v.provider_id.split(":", 1)[1], 80 + i)
             for i, v in enumerate(members(cinder_db, group))}
    assert drv.get_replication_error_status(cinder_db, [group]) == ([], [])

    manager(drv.failover_replication, cinder_db, group, "failing-over",
            "enabled", secondary="default")
    for vol in members(cinder_db, group):
        assert vol.provider_id == "%s::volume-%s-cinder" % (pod, vol.id)
        assert admin.checksum(PRIMARY, vol.provider_id, LENGTH) == \
            on_dr[vol.id]
        assert admin.checksum(SYNC_ARRAY, vol.provider_id, LENGTH) == \
            on_dr[vol.id]
    manager(drv.disable_replication, cinder_db, group, "disabling",
            "disabled")
    assert pod_arrays(array, pod) == [PRIMARY]
    model, _ = drv.delete_group(cinder_db, group, members(cinder_db, group))
    assert model["status"] == "deleted"
