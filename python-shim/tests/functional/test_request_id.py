"""One request id from the shim's log line to the service's log lines (issue 18)."""

import logging
import time
import uuid

from cinder import context as cinder_context
from google.rpc import error_details_pb2
from google.rpc import status_pb2
import grpc
import pytest

from purebridge import driver
from purebridge import request_ids
from purebridge.v1 import volume_driver_pb2
from purebridge.v1 import volume_driver_pb2_grpc
from tests import cinder_objects as objs

pytestmark = pytest.mark.functional


def _service_lines(service, request_id, want, timeout=10.0):
    """The service's stdout lines holding request_id, once one holds want too."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line.rstrip("\n") for line in list(service.output)
                 if request_id in line]
        if any(want in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def _request(request_id):
    # As cinder-volume does for each operation: the context becomes the thread's current one.
    return cinder_context.RequestContext(user_id="u-func", project_id="p-func",
                                         request_id=request_id, overwrite=True)


def test_one_grep_follows_a_request_from_the_shim_into_the_service(
        make_driver, service, caplog):
    drv = make_driver(driver.PureISCSIDriver, service)
    request_id = "req-%s" % uuid.uuid4()
    ctx = _request(request_id)
    vol = objs.make_volume(ctxt=ctx, size=1)

    with caplog.at_level(logging.DEBUG, logger="purebridge"):
        created = drv.create_volume(vol)

    shim = [r.getMessage() for r in caplog.records
            if request_id in r.getMessage()]
    assert any("CreateVolume" in line for line in shim), caplog.text
    name = created["provider_id"]
    lines = _service_lines(service, request_id, "created volume " + name)
    assert any(("[%s] " % request_id) in line and "created volume " + name in line
               for line in lines), lines
    # Only this request's lines carry its id: another request has its own.
    other = "req-%s" % uuid.uuid4()
    _request(other)
    drv.delete_volume(vol)
    assert not any("deleted volume" in line for line in
                   _service_lines(service, request_id, "never", timeout=0.5))
    assert any("deleted volume " + name in line for line in
               _service_lines(service, other, "deleted volume " + name))


def test_a_failed_call_returns_its_request_id_in_the_error_details(service):
    request_id = "req-%s" % uuid.uuid4()
    channel = grpc.insecure_channel(service.endpoint)
    try:
        stub = volume_driver_pb2_grpc.VolumeDriverServiceStub(channel)
        with pytest.raises(grpc.RpcError) as failed:
            stub.GetVolumeStats(
                volume_driver_pb2.GetVolumeStatsRequest(backend_name="never-registered"),
                metadata=request_ids.metadata(request_id), timeout=30)
    finally:
        channel.close()

    assert failed.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    trailers = dict(failed.value.trailing_metadata())
    details = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
    infos = [d for d in details.details if d.Is(error_details_pb2.RequestInfo.DESCRIPTOR)]
    assert len(infos) == 1
    info = error_details_pb2.RequestInfo()
    infos[0].Unpack(info)
    assert info.request_id == request_id
    assert trailers[request_ids.METADATA_KEY] == request_id
