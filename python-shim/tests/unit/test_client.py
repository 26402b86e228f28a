"""The gRPC client: tpool, retries, re-registration, unreachable service."""

import socket
import time

import grpc
import pytest

from cinder import exception

from purebridge import call_runner
from purebridge import client as pb_client
from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb
from tests.unit.fake_service import Fail

C = grpc.StatusCode


def test_every_rpc_runs_through_the_runner_with_its_own_deadline(
        make_driver, server, runner, volume, snapshot):
    before = time.monotonic()
    drv = make_driver(driver.PureISCSIDriver)

    drv.create_volume(volume)
    drv.create_snapshot(snapshot)
    drv.get_volume_stats(refresh=True)
    drv.terminate_connection(volume, None)
    drv.delete_snapshot(snapshot)
    drv.delete_volume(volume)

    assert len(server.service.rpcs()) == 7
    assert len(runner.worker_threads) == 7
    # purebridge_timeout = 5 s from when the driver asked, per call.
    assert all(before + 5.0 <= d <= time.monotonic() + 5.0
               for d in runner.deadlines)


def test_unpatched_process_calls_in_the_caller_thread(make_driver, runner,
                                                      volume):
    # This pytest process is not monkey-patched: tpool would hand answers back through a hub
    # that lives in one thread, so native callers must call grpc themselves.
    assert not call_runner.green_threads()
    assert call_runner.default_runner() is call_runner.run_in_caller
    drv = make_driver(driver.PureISCSIDriver)

    drv.create_volume(volume)

    assert runner.worker_threads == runner.caller_threads


def test_a_call_queued_past_its_deadline_is_never_sent(server, volume,
                                                       section):
    def late_runner(fn, deadline):
        time.sleep(max(0.0, deadline - time.monotonic()) + 0.01)
        return fn()
    client = pb_client.PureBridgeClient(server.endpoint, 1.0,
                                        runner=late_runner)

    with pytest.raises(exception.VolumeBackendAPIException,
                       match="purebridge_timeout"):
        client.call("GetVolumeStats", pb.GetVolumeStatsRequest(
            backend_name=section))

    assert server.service.rpcs() == []
    client.close()


def test_an_abandoned_call_is_a_deadline_error(server, section):
    def stuck_runner(fn, deadline):
        raise call_runner.CallAbandoned()
    client = pb_client.PureBridgeClient(server.endpoint, 1.0,
                                        runner=stuck_runner)

    with pytest.raises(exception.VolumeBackendAPIException,
                       match="purebridge_timeout"):
        client.call("GetVolumeStats", pb.GetVolumeStatsRequest(
            backend_name=section))
    client.close()


def test_retries_stop_at_the_deadline(server, volume, section):
    server.service.always("GetVolumeStats", Fail(
        C.UNAVAILABLE, "ARRAY_UNAVAILABLE", "array pure-primary is down"))
    client = pb_client.PureBridgeClient(server.endpoint, 1.0, attempts=50,
                                        backoff=0.3)
    started = time.monotonic()

    with pytest.raises(exception.VolumeBackendAPIException,
                       match="pure-primary is down"):
        client.call("GetVolumeStats", pb.GetVolumeStatsRequest(
            backend_name=section))

    # Attempts at 0, 0.3 and 0.9 s; the next backoff (1.2 s) would end past the deadline.
    assert server.service.rpcs().count("GetVolumeStats") == 3
    assert time.monotonic() - started < 1.5
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
