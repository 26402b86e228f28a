"""failover_host / failover / failover_completed: requests, the manager's tuples, errors."""

import grpc
import pytest

from cinder import exception

from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb
from purebridge.v1 import volume_types_pb2 as types_pb
from tests import cinder_objects as objs
from tests.unit import fake_service

ASYNC = {"replication_enabled": "<is> True"}


def _replicated(ctxt, **fields):
    vol = objs.make_volume(ctxt, volume_type=objs.make_volume_type(
        extra_specs=ASYNC), replication_status="enabled", **fields)
    vol.provider_id = "volume-%s-cinder" % vol.id
    return vol


def test_failover_host_moves_the_volumes_then_registers_on_the_target(
        make_driver, server, ctxt):
    drv = make_driver(driver.PureISCSIDriver)
    kept = _replicated(ctxt, metadata={"user": "kept"})
    lost = _replicated(ctxt)
    group = objs.make_volume_type()  # any object with an id stands for a group here
    kept.group_id = group.id
    server.service.answer("Failover", pb.FailoverResponse(
        active_backend_id="pure-dr",
        volume_updates=[
            types_pb.FailoverVolumeUpdate(
                volume_id=kept.id, replication_status="failed-over",
                provider_id=kept.provider_id,
                metadata={"array_volume_name": kept.provider_id,
                          "array_name": "pure-dr"}),
            types_pb.FailoverVolumeUpdate(
                volume_id=lost.id, status="error",
                replication_status="failover-error",
                detail="no replicated snapshot")],
        group_updates=[pb.FailoverGroupUpdate(
            group_id=group.id, replication_status="failed-over")]))

    active, updates, groups = drv.failover_host(
        ctxt, [kept, lost], secondary_id="pure-dr", groups=[group])

    request = server.service.requests("Failover")[0]
    assert request.secondary_id == "pure-dr"
    assert [v.id for v in request.volumes] == [kept.id, lost.id]
    assert request.volumes[0].volume_type_extra_specs["replication_enabled"]
    assert [(g.id, list(g.volume_ids)) for g in request.groups] == [
        (group.id, [kept.id])]
    assert active == "pure-dr"
    assert updates == [
        {"volume_id": kept.id, "updates": {
            "replication_status": "failed-over",
            "provider_id": kept.provider_id,
            "metadata": {"user": "kept",
                         "array_volume_name": kept.provider_id,
                         "array_name": "pure-dr"}}},
        {"volume_id": lost.id, "updates": {
            "status": "error", "replication_status": "failover-error"}}]
    assert groups == [{"group_id": group.id,
                       "updates": {"replication_status": "failed-over"}}]
    # failover_completed: the driver registers again, now on the target.
    assert server.service.rpcs()[-2:] == ["Failover", "RegisterBackend"]
    assert server.service.requests(
        "RegisterBackend")[-1].active_backend_id == "pure-dr"
    assert drv._active_backend_id == "pure-dr"


@pytest.mark.parametrize("given", [None, "", "default"])
def test_failover_completed_default_registers_on_the_primary(
        make_driver, server, given):
    drv = make_driver(driver.PureISCSIDriver, active_backend_id="pure-dr")
    assert server.service.requests(
        "RegisterBackend")[-1].active_backend_id == "pure-dr"

    drv.failover_completed(objs.admin_context(), given)

    assert server.service.requests(
        "RegisterBackend")[-1].active_backend_id == ""
    assert drv._active_backend_id is None


def test_failover_completed_that_fails_keeps_the_previous_backend(
        make_driver, server):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("RegisterBackend", fake_service.Fail(
        grpc.StatusCode.INVALID_ARGUMENT, "UNKNOWN_ACTIVE_BACKEND_ID",
        "active_backend_id 'nowhere' matches no replication_device"))

    with pytest.raises(exception.InvalidInput):
        drv.failover_completed(objs.admin_context(), "nowhere")
    assert drv._active_backend_id is None


@pytest.mark.parametrize("reason", ["INVALID_REPLICATION_TARGET",
                                    "FAILOVER_REFUSED",
                                    "NO_FAILOVER_TARGET"])
def test_refusals_raise_invalid_replication_target_and_do_not_switch(
        make_driver, server, ctxt, reason):
    drv = make_driver(driver.PureISCSIDriver)
    registrations = len(server.service.requests("RegisterBackend"))
    server.service.answer("Failover", fake_service.Fail(
        grpc.StatusCode.FAILED_PRECONDITION, reason,
        "Unknown backend_id 'nowhere' for backend puredriver-1"))

    with pytest.raises(exception.InvalidReplicationTarget) as err:
        drv.failover_host(ctxt, [_replicated(ctxt)], secondary_id="nowhere")

    assert "'nowhere'" in str(err.value)
    assert len(server.service.requests("RegisterBackend")) == registrations
    assert drv._active_backend_id is None
