"""cinder manageable-list through purebridge's driver on both paths: every array volume and
snapshot with safe_to_manage and the reasons, paged and sorted by Cinder's own code; managing a
volume that is already managed is refused and changes nothing."""

import uuid

import pytest

from cinder import exception
from cinder import objects
from pypureclient import flasharray

from tests.parity.conftest import GIB
from tests.parity.conftest import ok
from tests.parity.conftest import volume_on

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]


def by_name(entries):
    return {e["reference"]["name"]: e for e in entries}


def test_manageable_volumes_and_snapshots_with_reasons_and_paging(
        driver, array, cinder_db, make_type, new_volume, new_snapshot):
    tag = uuid.uuid4().hex[:8]
    free, busy = "legacy-%s-a" % tag, "legacy-%s-b" % tag
    ok(array.post_volumes(names=[free], volume=flasharray.VolumePost(
        provisioned=3 * GIB)))
    ok(array.post_volumes(names=[busy], volume=flasharray.VolumePost(
        provisioned=2 * GIB)))
    host = "esx-%s" % tag
    ok(array.post_hosts(names=[host], host=flasharray.HostPost(
        iqns=["iqn.2010-01.com.example:%s" % tag])))
    ok(array.post_connections(host_names=[host], volume_names=[busy]))
    ok(array.post_volume_snapshots(
        source_names=[free], volume_snapshot=flasharray.VolumeSnapshotPost(
            suffix="nightly")))
    managed = new_volume(driver, make_type())
    snap = new_snapshot(driver, managed)

    entries = by_name(driver.get_manageable_volumes(
        [managed], None, 1000, 0, ["size"], ["desc"]))
    assert entries[free]["safe_to_manage"] is True
    assert entries[free]["size"] == 3 and entries[free]["cinder_id"] is None
    assert entries[busy]["safe_to_manage"] is False
    assert entries[busy]["reason_not_safe"] == (
        "Volume connected to host %s" % host)
    mine = entries[managed.provider_id]
    assert (mine["safe_to_manage"], mine["cinder_id"]) == (False, managed.id)
    assert "already managed" in mine["reason_not_safe"]

    # Cinder's paging and sorting: the largest first, one per page.
    page = driver.get_manageable_volumes([managed], None, 1, 0, ["size"],
                                         ["desc"])
    assert len(page) == 1
    assert page[0]["size"] == max(e["size"] for e in entries.values())
    second = driver.get_manageable_volumes([managed], None, 1, 1, ["size"],
                                           ["desc"])
    assert second[0]["size"] <= page[0]["size"]

    snaps = by_name(driver.get_manageable_snapshots(
        [snap], None, 1000, 0, ["size"], ["asc"]))
    legacy = snaps[free + ".nightly"]
    assert legacy["safe_to_manage"] is True
    assert legacy["source_reference"] == {"name": free}
    assert snaps[snap.provider_id]["cinder_id"] == snap.id
    assert snaps[snap.provider_id]["safe_to_manage"] is False


def test_managing_an_already_managed_volume_is_refused(
        driver, array, cinder_db, make_type, new_volume):
    vtype = make_type()
    owner = new_volume(driver, vtype)
    other = objects.Volume(cinder_db, size=1, volume_type_id=vtype["id"],
                           status="creating", project_id="p", user_id="u")
    other.create()
    other = objects.Volume.get_by_id(cinder_db, other.id)
    with pytest.raises(exception.ManageExistingInvalidReference) as caught:
        driver.manage_existing(other, {"source-name": owner.provider_id})
    assert "already managed" in str(caught.value)
    assert volume_on(array, owner.provider_id) is not None
    assert volume_on(array, "volume-%s-cinder" % other.id) is None


def test_manage_applies_the_types_qos_and_volume_group(
        driver, array, cinder_db, make_type):
    tag = uuid.uuid4().hex[:8]
    name = "legacy-%s-q" % tag
    ok(array.post_volumes(names=[name], volume=flasharray.VolumePost(
        provisioned=GIB)))
    group = "vg-m-%s" % tag
    vtype = make_type(specs={"flasharray:vg_name": group,
                             "flasharray:vg_maxIOPS": "3000"})
    vol = objects.Volume(cinder_db, size=1, volume_type_id=vtype["id"],
                         status="creating", project_id="p", user_id="u")
    vol.create()
    vol = objects.Volume.get_by_id(cinder_db, vol.id)
    update = driver.manage_existing(vol, {"source-name": name})
    assert update["provider_id"] == "%s/volume-%s-cinder" % (group, vol.id)
    assert volume_on(array, name) is None
    vg = ok(array.get_volume_groups(names=[group]))[0]
    assert vg.qos.iops_limit == 3000 and vg.volume_count == 1

    qname = "legacy-%s-r" % tag
    ok(array.post_volumes(names=[qname], volume=flasharray.VolumePost(
        provisioned=GIB)))
    qtype = make_type(qos={"maxIOPS": "1200"})
    qvol = objects.Volume(cinder_db, size=1, volume_type_id=qtype["id"],
                          status="creating", project_id="p", user_id="u")
    qvol.create()
    qvol = objects.Volume.get_by_id(cinder_db, qvol.id)
    update = driver.manage_existing(qvol, {"source-name": qname})
    assert volume_on(array, update["provider_id"]).qos.iops_limit == 1200
