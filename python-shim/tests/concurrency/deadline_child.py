"""Child for test_deadlines: many callers at once against an endpoint that never answers.

Patched as cinder-volume is (or not, with --shape native). Every caller must get the shim's
deadline error after purebridge_timeout, none may hang, and the hub must keep running. Prints
one JSON line with each call's duration and error.
"""

import sys

SHAPE = sys.argv[3] if len(sys.argv) > 3 else "green"
if SHAPE == "green":
    from cinder import monkey_patch
    monkey_patch.patch()

import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from purebridge import client as pb_client  # noqa: E402
from purebridge.v1 import volume_driver_pb2 as pb  # noqa: E402


def _call(client, results):
    started = time.monotonic()
    try:
        client.call("GetVolumeStats",
                    pb.GetVolumeStatsRequest(backend_name="puredriver-1"))
        error = None
    except Exception as exc:
        error = "%s: %s" % (type(exc).__name__, exc)
    results.append({"seconds": time.monotonic() - started, "error": error})


def main(endpoint, callers):
    client = pb_client.PureBridgeClient(endpoint, 1.0)
    results, gaps = [], [0.0]
    if SHAPE == "green":
        import eventlet

        def ticker():
            last = time.monotonic()
            while True:
                eventlet.sleep(0.005)
                now = time.monotonic()
                gaps.append(now - last)
                last = now
        tick = eventlet.spawn(ticker)
        pool = [eventlet.spawn(_call, client, results)
                for _ in range(int(callers))]
        for green in pool:
            green.wait()
        tick.kill()
    else:
        pool = [threading.Thread(target=_call, args=(client, results))
                for _ in range(int(callers))]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    print(json.dumps({"results": results, "max_hub_gap_s": max(gaps)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
