"""Under Cinder's eventlet monkey-patching a slow call must not freeze other green threads."""

import os
import re
import subprocess
import sys
import time

from purebridge.v1 import volume_driver_pb2 as pb

SHIM_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def test_slow_call_leaves_the_eventlet_hub_running(server):
    def slow_create(request, context):
        time.sleep(0.5)
        return pb.CreateVolumeResponse(model_update=pb.VolumeModelUpdate(
            provider_id="volume-%s-cinder" % request.volume.name_id))
    server.service.always("CreateVolume", slow_create)

    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "tests.unit.eventlet_child",
         server.endpoint],
        cwd=SHIM_ROOT, capture_output=True, text=True, timeout=60)

    assert out.returncode == 0, out.stderr[-2000:]
    match = re.search(r"ticks=(\d+) provider_id=(\S+)", out.stdout)
    assert match, out.stdout + out.stderr[-2000:]
    # 0.5 s at one tick per 10 ms: a blocked hub would give 0 or 1.
    assert int(match.group(1)) >= 10
    assert match.group(2).startswith("volume-")
    # Off the hub through tpool, and grpcio holds native locks only (see native_grpc).
    assert "runner=run_in_tpool green_in_grpc=none" in out.stdout
