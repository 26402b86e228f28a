"""Volumes and snapshots: request contents and model updates."""

import pytest

from cinder import exception

from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb
from tests import cinder_objects as objs
from tests.unit import fake_service


def _vol_update(name):
    return pb.VolumeModelUpdate(
        provider_id=name, replication_status="disabled",
        metadata={"array_volume_name": name, "array_name": "pure-primary"})


def test_create_volume_sends_volume_and_returns_model_update(
        make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    volume.metadata = {"user": "kept"}
    server.service.answer("CreateVolume", pb.CreateVolumeResponse(
        model_update=_vol_update("volume-%s-cinder" % volume.id)))

    update = drv.create_volume(volume)

    req = server.service.requests("CreateVolume")[0]
    assert req.backend_name == drv.configuration.config_group
    assert req.volume.id == volume.id
    assert req.volume.name_id == volume.name_id
    assert req.volume.name == "volume-%s" % volume.name_id
    assert req.volume.size_gib == 2
    assert update == {
        "provider_id": "volume-%s-cinder" % volume.id,
        "replication_status": "disabled",
        "metadata": {"user": "kept",
                     "array_volume_name": "volume-%s-cinder" % volume.id,
                     "array_name": "pure-primary"}}


def test_create_volume_uses_name_id_after_migration(make_driver, server, ctxt):
    drv = make_driver(driver.PureISCSIDriver)
    migrated = objs.make_volume(
        ctxt, id=objs.VOLUME_ID, name_id=objs.VOLUME2_ID, size=1,
        volume_type=None)

    drv.create_volume(migrated)

    req = server.service.requests("CreateVolume")[0]
    assert req.volume.id == objs.VOLUME_ID
    assert req.volume.name_id == objs.VOLUME2_ID
    assert req.volume.name == "volume-%s" % objs.VOLUME2_ID


def test_volume_type_extra_specs_are_sent(make_driver, server, ctxt):
    drv = make_driver(driver.PureISCSIDriver)
    vtype = objs.make_volume_type(
        extra_specs={"replication_enabled": "<is> True",
                     "replication_type": "<in> sync"})
    vol = objs.make_volume(ctxt, size=1, volume_type=vtype,
                           provider_id="cinder-pod::x-cinder",
                           replication_status="enabled")

    drv.create_volume(vol)

    req = server.service.requests("CreateVolume")[0]
    assert dict(req.volume.volume_type_extra_specs) == {
        "replication_enabled": "<is> True", "replication_type": "<in> sync"}
    assert req.volume.provider_id == "cinder-pod::x-cinder"
    assert req.volume.replication_status == "enabled"


def test_delete_volume_sends_volume(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)

    assert drv.delete_volume(volume) is None

    assert server.service.requests("DeleteVolume")[0].volume.id == volume.id


def test_delete_volume_not_found_is_success(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("DeleteVolume", fake_service.Fail(
        fake_service.grpc.StatusCode.NOT_FOUND, "VOLUME_NOT_FOUND"))

    drv.delete_volume(volume)

    assert server.service.rpcs().count("DeleteVolume") == 1


def test_extend_volume_sends_new_size(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)

    drv.extend_volume(volume, 5)

    req = server.service.requests("ExtendVolume")[0]
    assert (req.volume.id, req.new_size_gib) == (volume.id, 5)


def test_create_snapshot_returns_snapshot_update(make_driver, server,
                                                 snapshot):
    drv = make_driver(driver.PureISCSIDriver)
    name = "volume-%s-cinder.snapshot-%s" % (snapshot.volume_id, snapshot.id)
    server.service.answer("CreateSnapshot", pb.CreateSnapshotResponse(
        model_update=pb.SnapshotModelUpdate(
            provider_id=name, metadata={"array_snapshot_name": name})))

    update = drv.create_snapshot(snapshot)

    req = server.service.requests("CreateSnapshot")[0]
    assert req.snapshot.id == snapshot.id
    assert req.snapshot.name == "snapshot-%s" % snapshot.id
    assert req.snapshot.volume.id == snapshot.volume.id
    assert req.snapshot.volume_size_gib == 2
    assert update == {"provider_id": name,
                      "metadata": {"array_snapshot_name": name}}


def test_delete_snapshot_not_found_is_success(make_driver, server, snapshot):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("DeleteSnapshot", fake_service.Fail(
        fake_service.grpc.StatusCode.NOT_FOUND, "SNAPSHOT_NOT_FOUND"))

    drv.delete_snapshot(snapshot)

    assert server.service.requests("DeleteSnapshot")[0].snapshot.id == \
        snapshot.id


def test_create_volume_from_snapshot(make_driver, server, ctxt, snapshot):
    drv = make_driver(driver.PureISCSIDriver)
    new = objs.make_volume(ctxt, id=objs.VOLUME2_ID, size=4)
    server.service.answer("CreateVolumeFromSnapshot",
                          pb.CreateVolumeFromSnapshotResponse(
                              model_update=_vol_update("v2")))

    update = drv.create_volume_from_snapshot(new, snapshot)

    req = server.service.requests("CreateVolumeFromSnapshot")[0]
    assert (req.volume.id, req.volume.size_gib) == (objs.VOLUME2_ID, 4)
    assert req.snapshot.id == snapshot.id
    assert update["provider_id"] == "v2"


def test_create_cloned_volume(make_driver, server, ctxt, volume):
    drv = make_driver(driver.PureISCSIDriver)
    clone = objs.make_volume(ctxt, id=objs.VOLUME2_ID, size=3)
    server.service.answer("CreateClonedVolume", pb.CreateClonedVolumeResponse(
        model_update=_vol_update("clone")))

    update = drv.create_cloned_volume(clone, volume)

    req = server.service.requests("CreateClonedVolume")[0]
    assert (req.volume.id, req.source_volume.id) == (objs.VOLUME2_ID,
                                                     volume.id)
    assert update["provider_id"] == "clone"


def test_revert_to_snapshot(make_driver, server, ctxt, volume, snapshot):
    drv = make_driver(driver.PureISCSIDriver)

    drv.revert_to_snapshot(ctxt, volume, snapshot)

    req = server.service.requests("RevertToSnapshot")[0]
    assert (req.volume.id, req.snapshot.id) == (volume.id, snapshot.id)


def test_manage_existing_and_get_size(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("ManageExistingGetSize",
                          pb.ManageExistingGetSizeResponse(size_gib=7))
    server.service.answer("ManageExisting", pb.ManageExistingResponse(
        model_update=_vol_update("volume-x-cinder")))

    size = drv.manage_existing_get_size(volume, {"source-name": "legacy"})
    update = drv.manage_existing(volume, {"source-name": "legacy"})

    assert size == 7
    assert server.service.requests("ManageExisting")[0].source_name == \
        "legacy"
    assert server.service.requests("ManageExistingGetSize")[0].source_name \
        == "legacy"
    assert update["provider_id"] == "volume-x-cinder"


@pytest.mark.parametrize("ref", [{}, {"source-id": "12"}, {"source-name": ""}])
def test_manage_existing_without_source_name_is_invalid_reference(
        make_driver, server, volume, snapshot, ref):
    drv = make_driver(driver.PureISCSIDriver)
    for call in (lambda: drv.manage_existing(volume, ref),
                 lambda: drv.manage_existing_get_size(volume, ref),
                 lambda: drv.manage_existing_snapshot(snapshot, ref),
                 lambda: drv.manage_existing_snapshot_get_size(snapshot,
                                                               ref)):
        with pytest.raises(exception.ManageExistingInvalidReference,
                           match="source-name"):
            call()
    assert server.service.rpcs() == ["RegisterBackend"]


def test_manage_existing_unknown_array_volume_is_invalid_reference(
        make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("ManageExisting", fake_service.Fail(
        fake_service.grpc.StatusCode.NOT_FOUND, "VOLUME_NOT_FOUND",
        "array volume nope does not exist"))

    with pytest.raises(exception.ManageExistingInvalidReference,
                       match="nope does not exist"):
        drv.manage_existing(volume, {"source-name": "nope"})


def test_unmanage_and_snapshot_manage_cycle(make_driver, server, volume,
                                            snapshot):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("ManageExistingSnapshotGetSize",
                          pb.ManageExistingSnapshotGetSizeResponse(
                              size_gib=3))
    server.service.answer("ManageExistingSnapshot",
                          pb.ManageExistingSnapshotResponse(
                              model_update=pb.SnapshotModelUpdate(
                                  provider_id="v.s")))

    drv.unmanage(volume)
    size = drv.manage_existing_snapshot_get_size(snapshot,
                                                 {"source-name": "v.old"})
    update = drv.manage_existing_snapshot(snapshot, {"source-name": "v.old"})
    drv.unmanage_snapshot(snapshot)

    assert size == 3
    assert update == {"provider_id": "v.s"}
    assert server.service.rpcs()[1:] == [
        "Unmanage", "ManageExistingSnapshotGetSize", "ManageExistingSnapshot",
        "UnmanageSnapshot"]
    assert server.service.requests("UnmanageSnapshot")[0].snapshot.id == \
        snapshot.id


def test_update_provider_info(make_driver, server, volume, snapshot):
    drv = make_driver(driver.PureISCSIDriver)
    volume.metadata = {"a": "b"}
    server.service.answer("UpdateProviderInfo", pb.UpdateProviderInfoResponse(
        volume_updates=[pb.ProviderUpdate(
            id=volume.id, provider_id="volume-x-cinder",
            metadata={"array_volume_name": "volume-x-cinder"})]))

    vol_updates, snap_updates = drv.update_provider_info([volume], [snapshot])

    req = server.service.requests("UpdateProviderInfo")[0]
    assert [v.id for v in req.volumes] == [volume.id]
    assert [s.id for s in req.snapshots] == [snapshot.id]
    assert vol_updates == [{"id": volume.id, "provider_id": "volume-x-cinder",
                            "metadata": {"a": "b",
                                         "array_volume_name":
                                             "volume-x-cinder"}}]
    assert snap_updates == []


def test_exports_are_no_ops(make_driver, server, ctxt, volume):
    drv = make_driver(driver.PureISCSIDriver)

    assert drv.create_export(ctxt, volume, {}) is None
    assert drv.ensure_export(ctxt, volume) is None
    assert drv.remove_export(ctxt, volume) is None
    assert server.service.rpcs() == ["RegisterBackend"]


def test_retype_sends_current_and_new_specs_and_returns_model_update(
        make_driver, server, ctxt):
    drv = make_driver(driver.PureISCSIDriver)
    old_type = objs.make_volume_type(
        extra_specs={"replication_enabled": "<is> True",
                     "replication_type": "<in> async"})
    new_type = objs.make_volume_type(
        extra_specs={"replication_enabled": "<is> True",
                     "replication_type": "<in> sync"})
    vol = objs.make_volume(ctxt, size=1, volume_type=old_type,
                           provider_id="volume-x-cinder",
                           metadata={"user": "kept"})
    server.service.answer("Retype", pb.RetypeResponse(
        model_update=pb.VolumeModelUpdate(
            provider_id="cinder-pod::volume-x-cinder",
            replication_status="enabled",
            metadata={"array_volume_name": "cinder-pod::volume-x-cinder"})))

    result = drv.retype(ctxt, vol, new_type, {}, {"host": "h@b#p"})

    req = server.service.requests("Retype")[0]
    assert req.backend_name == drv.configuration.config_group
    assert req.volume.id == vol.id
    assert req.volume.provider_id == "volume-x-cinder"
    assert dict(req.volume.volume_type_extra_specs) == {
        "replication_enabled": "<is> True", "replication_type": "<in> async"}
    assert dict(req.new_volume_type_extra_specs) == {
        "replication_enabled": "<is> True", "replication_type": "<in> sync"}
    assert result == (True, {
        "provider_id": "cinder-pod::volume-x-cinder",
        "replication_status": "enabled",
        "metadata": {"user": "kept",
                     "array_volume_name": "cinder-pod::volume-x-cinder"}})


def test_retype_to_a_type_without_specs_sends_none(make_driver, server,
                                                    volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("Retype", pb.RetypeResponse(
        model_update=_vol_update("volume-y-cinder")))

    retyped, _ = drv.retype(None, volume, {"extra_specs": {}}, {}, {})

    assert retyped is True
    assert dict(server.service.requests("Retype")[0]
                .new_volume_type_extra_specs) == {}


def test_retype_is_not_retried(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("Retype", fake_service.Fail(
        fake_service.grpc.StatusCode.UNAVAILABLE, "POD_OFFLINE",
        "pod cinder-pod is offline on pure-primary"))

    with pytest.raises(exception.VolumeBackendAPIException):
        drv.retype(None, volume, None, {}, {})

    assert server.service.rpcs().count("Retype") == 1
