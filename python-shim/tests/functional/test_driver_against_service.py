"""The drivers against the real purebridge service (java -jar driver-server ...-all.jar)."""

import os
import re
import subprocess
import sys

import pytest

from cinder import exception

from purebridge import driver
from tests import cinder_objects as objs
from tests.functional import attach_cases

pytestmark = pytest.mark.functional

SHIM_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def test_volume_and_snapshot_lifecycle(make_driver, service):
    drv = make_driver(driver.PureISCSIDriver, service)
    vol = objs.make_volume(size=1)

    created = drv.create_volume(vol)
    again = drv.create_volume(vol)

    assert created["provider_id"] == "volume-%s-cinder" % vol.name_id
    assert again["provider_id"] == created["provider_id"]
    assert created["metadata"]["array_volume_name"] == created["provider_id"]
    vol.provider_id = created["provider_id"]

    snap = objs.make_snapshot(vol)
    snap_update = drv.create_snapshot(snap)
    assert snap_update["provider_id"] == "%s.%s" % (vol.provider_id,
                                                    snap.name)
    snap.provider_id = snap_update["provider_id"]

    clone = objs.make_volume(size=2)
    assert drv.create_cloned_volume(clone, vol)["provider_id"] == \
        "volume-%s-cinder" % clone.name_id
    from_snap = objs.make_volume(size=3)
    assert drv.create_volume_from_snapshot(from_snap, snap)["provider_id"] \
        == "volume-%s-cinder" % from_snap.name_id

    drv.extend_volume(vol, 4)
    vol.size = 4
    drv.revert_to_snapshot(None, vol, snap)

    stats = drv.get_volume_stats(refresh=True)
    assert stats["storage_protocol"] == "iSCSI"
    assert stats["total_capacity_gb"] > 0
    assert stats["total_volumes"] >= 3
    assert stats["total_snapshots"] >= 1

    drv.delete_snapshot(snap)
    drv.delete_snapshot(snap)  # missing: success
    for v in (clone, from_snap, vol):
        drv.delete_volume(v)
    drv.delete_volume(vol)  # missing: success


@pytest.mark.parametrize("driver_cls, connector, kind, keys",
                         attach_cases.ATTACH_CASES)
def test_attach_and_detach(make_driver, service, driver_cls, connector, kind,
                           keys):
    drv = make_driver(driver_cls, service)
    vol = objs.make_volume(size=1)
    vol.provider_id = drv.create_volume(vol)["provider_id"]

    info = drv.initialize_connection(vol, connector)
    repeated = drv.initialize_connection(vol, connector)

    assert info["driver_volume_type"] == kind
    assert keys <= set(info["data"]), info
    assert repeated == info
    if kind == "iscsi":
        assert info["data"]["target_discovered"] is False
        assert len(info["data"]["target_iqns"]) == \
            len(info["data"]["target_portals"]) == \
            len(info["data"]["target_luns"])
        assert "auth_password" not in info["data"]
    elif kind == "fibre_channel":
        assert info["data"]["target_discovered"] is True
        assert set(info["data"]["initiator_target_map"]) == \
            set(connector["wwpns"])
    else:
        for portal in info["data"]["portals"]:
            assert isinstance(portal, tuple) and len(portal) == 3

    drv.terminate_connection(vol, connector)
    drv.terminate_connection(vol, connector)  # no connection left: success
    drv.initialize_connection(vol, connector)
    drv.terminate_connection(vol, None)  # force detach
    drv.delete_volume(vol)


def _unmanaged_snapshot_name(name, limit=96):
    """Upstream's rule: <suffix>-unmanaged, the suffix's tail cut so the name fits 96 chars."""
    volume_part, _, suffix = name.rpartition(".")
    room = limit - len(volume_part) - 1 - len("-unmanaged")
    return "%s.%s-unmanaged" % (volume_part, suffix[:room])


def test_manage_and_unmanage(make_driver, service):
    drv = make_driver(driver.PureISCSIDriver, service)
    original = objs.make_volume(size=2)
    original.provider_id = drv.create_volume(original)["provider_id"]
    snap = objs.make_snapshot(original)
    snap.provider_id = drv.create_snapshot(snap)["provider_id"]

    drv.unmanage_snapshot(snap)
    snap_name = _unmanaged_snapshot_name(snap.provider_id)
    adopted_snap = objs.make_snapshot(original)
    assert drv.manage_existing_snapshot_get_size(
        adopted_snap, {"source-name": snap_name}) == 2
    assert drv.manage_existing_snapshot(
        adopted_snap, {"source-name": snap_name})["provider_id"] == \
        "%s.%s" % (original.provider_id, adopted_snap.name)

    drv.unmanage(original)
    unmanaged = original.provider_id + "-unmanaged"
    adopted = objs.make_volume(size=1)
    assert drv.manage_existing_get_size(
        adopted, {"source-name": unmanaged}) == 2
    update = drv.manage_existing(adopted, {"source-name": unmanaged})
    assert update["provider_id"] == "volume-%s-cinder" % adopted.name_id

    with pytest.raises(exception.ManageExistingInvalidReference):
        drv.manage_existing(objs.make_volume(size=1),
                            {"source-name": "no-such-volume"})


@pytest.mark.parametrize("size", [0, -1])
def test_bad_size_is_invalid_input(make_driver, service, size):
    drv = make_driver(driver.PureISCSIDriver, service)

    with pytest.raises(exception.InvalidInput, match="size"):
        drv.create_volume(objs.make_volume(size=size))


def test_shrinking_extend_is_invalid_input(make_driver, service):
    drv = make_driver(driver.PureISCSIDriver, service)
    vol = objs.make_volume(size=3)
    vol.provider_id = drv.create_volume(vol)["provider_id"]

    with pytest.raises(exception.InvalidInput):
        drv.extend_volume(vol, 1)
    drv.delete_volume(vol)


def test_unknown_sim_array_names_san_ip(make_driver, service):
    with pytest.raises(exception.InvalidInput, match="san_ip"):
        make_driver(driver.PureISCSIDriver, service, san_ip="sim://nope")


def test_wrong_token_is_refused_without_leaking_it(make_driver, service):
    wrong = "not-the-token-0000"
    with pytest.raises(exception.VolumeBackendAPIException) as caught:
        make_driver(driver.PureISCSIDriver, service, pure_api_token=wrong)
    assert wrong not in str(caught.value)
    assert service.tokens["pure-primary"] not in str(caught.value)


def test_replication_device_without_token_names_the_field(make_driver,
                                                          service):
    with pytest.raises(exception.InvalidInput,
                       match="replication_device|api_token"):
        make_driver(driver.PureISCSIDriver, service, replication_device=[
            {"backend_id": "pure-dr", "san_ip": "sim://pure-dr"}])


def test_replicated_backend_registers(make_driver, service):
    drv = make_driver(driver.PureISCSIDriver, service, replication_device=[
        {"backend_id": "pure-dr", "san_ip": "sim://pure-dr",
         "api_token": service.tokens["pure-dr"]}])

    stats = drv.get_volume_stats(refresh=True)

    assert stats["replication_enabled"] is True
    assert stats["replication_targets"] == ["pure-dr"]


def test_unreachable_endpoint_says_what_to_start(make_driver, service,
                                                 tmp_path):
    endpoint = "unix:%s" % (tmp_path / "nobody.sock")
    with pytest.raises(exception.VolumeBackendAPIException,
                       match="make run"):
        make_driver(driver.PureISCSIDriver, service,
                    purebridge_endpoint=endpoint)


def test_kill_9_and_restart_keeps_objects_and_reregisters(make_driver,
                                                          start_service):
    svc = start_service()
    drv = make_driver(driver.PureISCSIDriver, svc)
    vol = objs.make_volume(size=2)
    vol.provider_id = drv.create_volume(vol)["provider_id"]
    snap = objs.make_snapshot(vol)
    snap.provider_id = drv.create_snapshot(snap)["provider_id"]

    svc.kill9()
    svc.start()

    # No do_setup: the shim learns the service forgot the backend and registers again.
    drv.extend_volume(vol, 3)
    vol.size = 3
    assert drv.create_volume(vol)["provider_id"] == vol.provider_id
    stats = drv.get_volume_stats(refresh=True)
    assert stats["total_volumes"] >= 1 and stats["total_snapshots"] >= 1
    drv.delete_snapshot(snap)
    drv.delete_volume(vol)


def test_driver_under_cinder_monkey_patching(service):
    """The same calls in a process patched by cinder.monkey_patch, as cinder-volume is."""
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "tests.unit.eventlet_child",
         service.endpoint, "sim://pure-primary",
         service.tokens["pure-primary"]],
        cwd=SHIM_ROOT, capture_output=True, text=True, timeout=120)

    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(r"provider_id=volume-\S+-cinder", out.stdout), out.stdout
