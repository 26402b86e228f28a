"""Generic volume groups with consistent_group_snapshot_enabled through purebridge's driver, on
both paths: a protection group per Cinder group (upstream's name), crash-consistent group
snapshots, groups from a group snapshot and from a group, with the bytes checked."""

import hashlib
import random

import pytest

from cinder import exception
from cinder import objects

from tests.parity.conftest import ok
from tests.parity.conftest import PRIMARY
from tests.parity.conftest import volume_on

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]

CG = {"consistent_group_snapshot_enabled": "<is> True"}
LENGTH = 1 << 20


def pg_name(group):
    return "consisgroup-%s-cinder" % group.id


@pytest.fixture
def new_group(cinder_db, make_group_type):
    def make(drv, vtype, specs=CG, create=True):
        gtype = make_group_type(specs)
        group = objects.Group(cinder_db, group_type_id=gtype["id"],
                              volume_type_ids=[vtype["id"]],
                              host=drv.host + "#" + drv._backend_name(),
                              status="creating", project_id="project-1",
                              user_id="user-1", name="g")
        group.create()
        group = objects.Group.get_by_id(cinder_db, group.id)
        if create:
            group.update(drv.create_group(cinder_db, group))
            group.save()
        return group
    return make


def write(admin, name, seed):
    data = random.Random(seed).randbytes(LENGTH)
    assert admin.write(PRIMARY, name, 0, data) == LENGTH
    return hashlib.sha256(data).hexdigest()


def members(array, group):
    return sorted(m.member.name for m in ok(
        array.get_protection_groups_volumes(group_names=[pg_name(group)])))


def group_volume(cinder_db, group, vtype, **fields):
    vol = objects.Volume(cinder_db, size=1, volume_type_id=vtype["id"],
                         group_id=group.id, status="creating",
                         project_id="project-1", user_id="user-1", **fields)
    vol.create()
    return objects.Volume.get_by_id(cinder_db, vol.id)


def saved(vol, update):
    vol.update(update or {})
    vol.status = "available"
    vol.save()
    return vol


def test_group_lifecycle_snapshot_and_groups_from_sources_keep_bytes(
        driver, array, admin, cinder_db, make_type, new_group, new_volume):
    vtype = make_type()
    group = new_group(driver, vtype)
    assert group.status == "available"
    assert pg_name(group) in [p.name for p in ok(array.get_protection_groups(
        names=[pg_name(group)]))]

    # A volume created in the group joins it; another is added with update_group.
    v1 = new_volume(driver, vtype, group_id=group.id)
    v2 = new_volume(driver, vtype)
    driver.update_group(cinder_db, group, add_volumes=[v2])
    v2.group_id = group.id
    v2.save()
    assert members(array, group) == sorted([v1.provider_id, v2.provider_id])

    first = {v.id: write(admin, v.provider_id, seed) for seed, v in
             enumerate((v1, v2))}
    gsnap = objects.GroupSnapshot(cinder_db, group_id=group.id,
                                  group_type_id=group.group_type_id,
                                  status="creating", project_id="project-1",
                                  user_id="user-1", name="gs")
    gsnap.create()
    snaps = []
    for v in (v1, v2):
        s = objects.Snapshot(cinder_db, volume_id=v.id, volume_size=1,
                             group_snapshot_id=gsnap.id, status="creating",
                             project_id="project-1", user_id="user-1",
                             volume_type_id=vtype["id"])
        s.create()
        snaps.append(objects.Snapshot.get_by_id(cinder_db, s.id))
    gsnap = objects.GroupSnapshot.get_by_id(cinder_db, gsnap.id)
    model, snap_models = driver.create_group_snapshot(cinder_db, gsnap, snaps)
    assert model["status"] == "available"
    suffix = "cgsnapshot-%s-cinder" % gsnap.id
    pgsnap = ok(array.get_protection_group_snapshots(
        names=["%s.%s" % (pg_name(group), suffix)]))[0]
    assert pgsnap.source.name == pg_name(group)
    for snap, update in zip(snaps, snap_models):
        assert update["id"] == snap.id and update["status"] == "available"
        snap.update({k: v for k, v in update.items() if k != "id"})
        snap.save()
    # One array operation: every member's snapshot belongs to the one group snapshot.
    assert sorted(s.provider_id for s in snaps) == sorted(
        "%s.%s.%s" % (pg_name(group), suffix, v.provider_id)
        for v in (v1, v2))

    latest = {v.id: write(admin, v.provider_id, seed + 10) for seed, v in
              enumerate((v1, v2))}

    # A group from the group snapshot holds the bytes at snapshot time.
    from_snap = new_group(driver, vtype, create=False)
    vols = [group_volume(cinder_db, from_snap, vtype, snapshot_id=s.id)
            for s in snaps]
    model, vol_models = driver.create_group_from_src(
        cinder_db, from_snap, vols, group_snapshot=gsnap, snapshots=snaps)
    assert model["status"] == "available"
    for vol, snap, update in zip(vols, snaps, vol_models):
        assert update["id"] == vol.id
        saved(vol, {k: v for k, v in update.items() if k != "id"})
        assert admin.checksum(PRIMARY, vol.provider_id, LENGTH) == \
            first[snap.volume_id]
    assert members(array, from_snap) == sorted(v.provider_id for v in vols)

    # A group from the group holds the bytes as they are now.
    clone = new_group(driver, vtype, create=False)
    sources = [v1, v2]
    cvols = [group_volume(cinder_db, clone, vtype, source_volid=v.id)
             for v in sources]
    model, vol_models = driver.create_group_from_src(
        cinder_db, clone, cvols, source_group=group, source_vols=sources)
    for vol, src, update in zip(cvols, sources, vol_models):
        saved(vol, {k: v for k, v in update.items() if k != "id"})
        assert admin.checksum(PRIMARY, vol.provider_id, LENGTH) == \
            latest[src.id]
    # The temporary snapshot of the source group is gone again.
    assert [s.name for s in ok(array.get_protection_group_snapshots(
        source_names=[pg_name(group)])) if not s.destroyed] == [pgsnap.name]

    model, snap_models = driver.delete_group_snapshot(cinder_db, gsnap, snaps)
    assert {m["status"] for m in snap_models} == {"deleted"}
    driver.update_group(cinder_db, group, remove_volumes=[v2])
    assert members(array, group) == [v1.provider_id]
    for g, vs in ((group, [v1]), (from_snap, vols), (clone, cvols)):
        model, vol_models = driver.delete_group(cinder_db, g, vs)
        assert model["status"] == "deleted"
        assert array.get_protection_groups(
            names=[pg_name(g)]).status_code != 200 or ok(
            array.get_protection_groups(names=[pg_name(g)]))[0].destroyed
        for v in vs:
            gone = volume_on(array, v.provider_id)
            assert gone is None or gone.destroyed
    driver.delete_volume(v2)


def test_groups_without_the_spec_are_left_to_cinder(driver, array, make_type,
                                                    new_group, cinder_db):
    group = new_group(driver, make_type(), specs={}, create=False)
    with pytest.raises(NotImplementedError):
        driver.create_group(cinder_db, group)
    assert array.get_protection_groups(
        names=[pg_name(group)]).status_code != 200


def test_a_group_type_purebridge_cannot_honour_is_refused_naming_it(
        driver, array, make_type, new_group, cinder_db):
    specs = dict(CG, consistent_group_replication_enabled="<is> True")
    group = new_group(driver, make_type(), specs=specs, create=False)
    with pytest.raises(exception.InvalidVolumeType) as caught:
        driver.create_group(cinder_db, group)
    assert "consistent_group_replication_enabled" in str(caught.value)
    assert array.get_protection_groups(
        names=[pg_name(group)]).status_code != 200


def test_stats_advertise_what_works(driver):
    stats = driver.get_volume_stats(refresh=True)
    assert stats["consistent_group_snapshot_enabled"] is True
    assert stats["QoS_support"] is True
    assert stats["multiattach"] is True
    assert stats["consistent_group_replication_enabled"] is False
