"""Cinder's request id crosses gRPC with every call (issue 18)."""

import threading

from cinder import context as cinder_context

from purebridge import client as pb_client
from purebridge import driver
from purebridge import request_ids
from purebridge.v1 import volume_driver_pb2 as pb


def _recording(server, rpc):
    seen = []

    def answer(request, context):
        seen.append(dict(context.invocation_metadata()))
        return None
    server.service.always(rpc, answer)
    return seen


def test_the_current_contexts_request_id_goes_as_metadata(
        make_driver, server, runner, volume):
    drv = make_driver(driver.PureISCSIDriver)
    seen = _recording(server, "CreateVolume")
    cinder_context.RequestContext(user_id="u", project_id="p",
                                  request_id="req-11111111-2222-4333-8444-555555555555",
                                  overwrite=True)

    drv.create_volume(volume)

    assert seen[0][request_ids.METADATA_KEY] == \
        "req-11111111-2222-4333-8444-555555555555"
    assert runner.worker_threads, "the call went through the client's runner"


def test_no_current_context_sends_no_request_id(server):
    seen = _recording(server, "GetVolumeStats")
    outside = []
    # Without eventlet's pool: this native thread is not the hub's.
    client = pb_client.PureBridgeClient(
        server.endpoint, 10, runner=lambda fn, deadline: fn())

    def call():
        # A fresh thread has no current request context (it is thread-local).
        outside.append(request_ids.current())
        client.call("GetVolumeStats",
                    pb.GetVolumeStatsRequest(backend_name="b"))
    worker = threading.Thread(target=call)
    worker.start()
    worker.join(30)
    client.close()

    assert outside == [None]
    assert request_ids.METADATA_KEY not in seen[0]
    assert request_ids.metadata(None) == ()
