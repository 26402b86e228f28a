"""The error table: every gRPC code, reason-specific rows, no secrets in messages."""

import logging

import grpc
import pytest

from cinder import exception

from purebridge import driver
from purebridge import errors
from tests.unit.conftest import TOKEN
from tests.unit.fake_service import Fail

C = grpc.StatusCode


@pytest.mark.parametrize("code, expected", [
    (C.INVALID_ARGUMENT, exception.InvalidInput),
    (C.OUT_OF_RANGE, exception.InvalidInput),
    (C.NOT_FOUND, exception.VolumeNotFound),
    (C.ALREADY_EXISTS, exception.VolumeBackendAPIException),
    (C.FAILED_PRECONDITION, exception.VolumeBackendAPIException),
    (C.ABORTED, exception.VolumeBackendAPIException),
    (C.RESOURCE_EXHAUSTED, exception.VolumeBackendAPIException),
    (C.UNAVAILABLE, exception.VolumeBackendAPIException),
    (C.DEADLINE_EXCEEDED, exception.VolumeBackendAPIException),
    (C.CANCELLED, exception.VolumeBackendAPIException),
    (C.UNAUTHENTICATED, exception.VolumeBackendAPIException),
    (C.PERMISSION_DENIED, exception.VolumeBackendAPIException),
    (C.UNIMPLEMENTED, NotImplementedError),
    (C.INTERNAL, exception.VolumeDriverException),
    (C.UNKNOWN, exception.VolumeDriverException),
    (C.DATA_LOSS, exception.VolumeDriverException),
])
def test_every_status_code_maps_to_one_cinder_exception(
        make_driver, server, volume, code, expected):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.always("ExtendVolume", Fail(
        code, "SOME_REASON", "volume %s: what to do" % volume.id))

    with pytest.raises(expected) as caught:
        drv.extend_volume(volume, 9)

    assert "volume %s: what to do" % volume.id in str(caught.value)
    assert "SOME_REASON" in str(caught.value)


@pytest.mark.parametrize("reason, expected", [
    ("VOLUME_HAS_SNAPSHOTS", exception.VolumeIsBusy),
    ("VOLUME_CONNECTED", exception.VolumeIsBusy),
    ("VOLUME_REPLICATION_BUSY", exception.VolumeIsBusy),
    ("SNAPSHOT_IN_USE", exception.SnapshotIsBusy),
    ("INVALID_REPLICATION_TARGET", exception.InvalidReplicationTarget),
    ("UNABLE_TO_FAIL_OVER", exception.UnableToFailOver),
    ("POD_NOT_READY", exception.VolumeBackendAPIException),
])
def test_failed_precondition_by_reason(make_driver, server, snapshot, reason,
                                       expected):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("CreateSnapshot", Fail(
        C.FAILED_PRECONDITION, reason, "why"))

    with pytest.raises(expected, match="why"):
        drv.create_snapshot(snapshot)


def test_not_found_snapshot_reason_gives_snapshot_not_found(make_driver,
                                                            server, volume,
                                                            snapshot):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("RevertToSnapshot", Fail(
        C.NOT_FOUND, "SNAPSHOT_NOT_FOUND", "snapshot gone"))

    with pytest.raises(exception.SnapshotNotFound, match="snapshot gone"):
        drv.revert_to_snapshot(None, volume, snapshot)


def test_register_unknown_sim_array_names_san_ip(make_driver, server):
    server.service.answer("RegisterBackend", Fail(
        C.NOT_FOUND, "ARRAY_NOT_FOUND", "no simulated array sim://nope"))

    with pytest.raises(exception.InvalidInput, match="san_ip"):
        make_driver(driver.PureISCSIDriver, san_ip="sim://nope")


def test_wrong_token_logs_option_name_never_the_token(make_driver, server,
                                                      caplog):
    server.service.answer("RegisterBackend", Fail(
        C.UNAUTHENTICATED, "TOKEN_REFUSED",
        "array pure-primary refused the API token"))

    with caplog.at_level(logging.ERROR):
        with pytest.raises(exception.VolumeBackendAPIException) as caught:
            make_driver(driver.PureISCSIDriver)

    assert "pure_api_token" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in str(caught.value)


def test_error_without_error_info_still_maps(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("CreateVolume", Fail(C.INVALID_ARGUMENT, None,
                                               "size_gib must be > 0"))

    with pytest.raises(exception.InvalidInput, match="size_gib"):
        drv.create_volume(volume)


def test_table_covers_every_status_code():
    covered = {code for (_rpc, code) in errors.ERROR_TABLE}
    assert covered == set(C) - {C.OK}
