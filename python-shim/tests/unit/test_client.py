"""The gRPC client: tpool, retries, re-registration, unreachable service."""

import socket

import grpc
from eventlet import tpool
import pytest

from cinder import exception

from purebridge import client as pb_client
from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb
from tests.unit.fake_service import Fail

C = grpc.StatusCode


def test_every_rpc_runs_through_tpool_off_the_caller_thread(
        make_driver, server, executor, volume, snapshot):
    drv = make_driver(driver.PureISCSIDriver)

    drv.create_volume(volume)
    drv.create_snapshot(snapshot)
    drv.get_volume_stats(refresh=True)
    drv.terminate_connection(volume, None)
    drv.delete_snapshot(snapshot)
    drv.delete_volume(volume)

    assert executor.rpcs == server.service.rpcs()
    assert len(executor.rpcs) == 7
    assert len(executor.worker_threads) == len(executor.rpcs)
    assert not set(executor.worker_threads) & set(executor.caller_threads)


def test_production_client_uses_eventlet_tpool():
    client = pb_client.PureBridgeClient("127.0.0.1:1", 1)
    assert client._execute is tpool.execute
    client.close()


def test_unavailable_is_retried_then_succeeds(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("CreateVolume",
                          Fail(C.UNAVAILABLE, "ARRAY_UNAVAILABLE", "down"),
                          Fail(C.UNAVAILABLE, "ARRAY_UNAVAILABLE", "down"))

    drv.create_volume(volume)

    assert server.service.rpcs().count("CreateVolume") == 3


def test_unavailable_retries_are_bounded(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.always("CreateVolume", Fail(
        C.UNAVAILABLE, "ARRAY_UNAVAILABLE", "array pure-primary is down"))

    with pytest.raises(exception.VolumeBackendAPIException,
                       match="pure-primary is down"):
        drv.create_volume(volume)

    assert server.service.rpcs().count("CreateVolume") == 3  # attempts=3


def test_manage_is_not_retried(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.always("ManageExisting", Fail(C.UNAVAILABLE, "X", "down"))

    with pytest.raises(exception.VolumeBackendAPIException):
        drv.manage_existing(volume, {"source-name": "legacy"})

    assert server.service.rpcs().count("ManageExisting") == 1


def test_invalid_argument_is_not_retried(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("CreateVolume", Fail(C.INVALID_ARGUMENT,
                                               "SIZE_NOT_POSITIVE", "size"))

    with pytest.raises(exception.InvalidInput):
        drv.create_volume(volume)

    assert server.service.rpcs().count("CreateVolume") == 1


def test_backend_not_registered_triggers_one_reregistration(
        make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    first = server.service.requests("RegisterBackend")[0]
    server.service.answer("CreateVolume", Fail(
        C.FAILED_PRECONDITION, "BACKEND_NOT_REGISTERED", "restarted"))
    server.service.answer("CreateVolume", pb.CreateVolumeResponse(
        model_update=pb.VolumeModelUpdate(provider_id="v-cinder")))

    update = drv.create_volume(volume)

    assert update == {"provider_id": "v-cinder"}
    assert server.service.rpcs() == ["RegisterBackend", "CreateVolume",
                                     "RegisterBackend", "CreateVolume"]
    assert server.service.requests("RegisterBackend")[1] == first


def test_reregistration_is_attempted_once_only(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.always("CreateVolume", Fail(
        C.FAILED_PRECONDITION, "BACKEND_NOT_REGISTERED", "still unknown"))

    with pytest.raises(exception.VolumeBackendAPIException,
                       match="still unknown"):
        drv.create_volume(volume)

    assert server.service.rpcs().count("RegisterBackend") == 2


def _closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.parametrize("endpoint", [
    "127.0.0.1:%d" % _closed_port(), "unix:/nonexistent/purebridge.sock"])
def test_unreachable_service_says_where_and_what_to_start(make_driver,
                                                          endpoint):
    with pytest.raises(exception.VolumeBackendAPIException) as caught:
        make_driver(driver.PureISCSIDriver, purebridge_endpoint=endpoint)

    message = str(caught.value)
    assert endpoint in message
    assert "make run" in message and "purebridge_endpoint" in message
    assert "Traceback" not in message


@pytest.mark.parametrize("endpoint, target", [
    ("unix:/var/lib/purebridge/purebridge.sock",
     "unix:/var/lib/purebridge/purebridge.sock"),
    ("/run/pb.sock", "unix:/run/pb.sock"),
    (" 10.0.0.2:50051 ", "10.0.0.2:50051"),
])
def test_channel_target(endpoint, target):
    assert pb_client.channel_target(endpoint) == target


def test_repr_hides_the_registration(make_driver, server):
    drv = make_driver(driver.PureISCSIDriver)
    from tests.unit.conftest import TOKEN
    assert TOKEN not in repr(drv._client)


def test_deadline_names_the_timeout_option(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver, purebridge_timeout=1.0)

    def too_slow(request, context):
        import time
        time.sleep(1.5)
    server.service.always("ExtendVolume", too_slow)

    with pytest.raises(exception.VolumeBackendAPIException,
                       match="purebridge_timeout"):
        drv.extend_volume(volume, 3)
    assert server.service.rpcs().count("ExtendVolume") == 1
