"""Snapshot offload through purebridge's driver, with Cinder's own objects, on both paths.

The service these tests start has no offload targets (they come from its configuration's
[offload.NAME] sections), so this checks what reaches the service and how it answers: volume-type
extra specs, snapshot and volume metadata, the refusals naming the key and the configured targets
(none), nothing made on the array, and the capability in the stats. The offload and restore
themselves, bytes included, are checked in the engine against S3Proxy (CinderOffloadTest).
"""

import pytest

from cinder import exception
from cinder import objects

from tests.parity.conftest import volume_on

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]


def _volume_row(cinder_db, vtype, **fields):
    vol = objects.Volume(cinder_db, size=1, volume_type_id=vtype["id"],
                         status="creating", project_id="p", user_id="u",
                         **fields)
    vol.create()
    return objects.Volume.get_by_id(cinder_db, vol.id)


def test_an_offload_type_names_the_spec_and_the_targets_and_creates_nothing(
        driver, array, make_type, cinder_db):
    vtype = make_type(specs={"purebridge:offload_target": "offload-s3",
                             "purebridge:offload_frequency": "3600"})
    vol = _volume_row(cinder_db, vtype)
    with pytest.raises(exception.InvalidVolumeType) as caught:
        driver.create_volume(vol)
    assert "purebridge:offload_target" in str(caught.value)
    assert "configured targets: []" in str(caught.value)
    assert volume_on(array, "volume-%s-cinder" % vol.id) is None
    groups = [g.name for g in array.get_protection_groups().items]
    assert not [g for g in groups if g.startswith("cinder-offload-")]


def test_a_bad_offload_number_names_its_key(driver, make_type, cinder_db):
    vtype = make_type(specs={"purebridge:offload_target": "offload-s3",
                             "purebridge:offload_retention": "a week"})
    vol = _volume_row(cinder_db, vtype)
    with pytest.raises(exception.InvalidVolumeType) as caught:
        driver.create_volume(vol)
    assert "purebridge:offload_retention" in str(caught.value)


def test_volume_metadata_naming_an_offloaded_snapshot_reaches_the_service(
        driver, array, make_type, cinder_db):
    vol = _volume_row(cinder_db, make_type(), metadata={
        "purebridge:restore_from": "pure-primary:volume-x-cinder.snap"})
    with pytest.raises(exception.InvalidInput) as caught:
        driver.create_volume(vol)
    assert "purebridge:restore_target" in str(caught.value)
    assert "configured targets: []" in str(caught.value)
    assert volume_on(array, "volume-%s-cinder" % vol.id) is None


def test_snapshot_metadata_asking_for_offload_reaches_the_service(
        driver, array, make_type, new_volume, cinder_db):
    vol = new_volume(driver, make_type())
    snap = objects.Snapshot(cinder_db, volume_id=vol.id, volume_size=1,
                            status="creating", project_id="p", user_id="u",
                            volume_type_id=vol.volume_type_id,
                            metadata={"purebridge:offload": "offload-s3"})
    snap.create()
    snap = objects.Snapshot.get_by_id(cinder_db, snap.id)
    with pytest.raises(exception.InvalidInput) as caught:
        driver.create_snapshot(snap)
    assert "purebridge:offload" in str(caught.value)
    assert "configured targets: []" in str(caught.value)
    snaps = array.get_volume_snapshots(source_names=[vol.provider_id])
    assert not list(snaps.items or [])

    # Without the request (or opting out) the snapshot is an ordinary one.
    snap.metadata = {"purebridge:offload": "none"}
    snap.save()
    update = driver.create_snapshot(objects.Snapshot.get_by_id(cinder_db,
                                                               snap.id))
    assert "offloaded_snapshot" not in update["metadata"]


def test_stats_report_the_offload_capability(driver):
    stats = driver.get_volume_stats(refresh=True)
    assert stats["offload_enabled"] is False
    assert stats["offload_targets"] == ""
