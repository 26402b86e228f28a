"""Where a blocking gRPC call runs, in cinder-volume's two process shapes.

- eventlet monkey-patched (cinder-volume today): the green thread hands the call to eventlet's
  native thread pool (tpool) and sleeps on the hub until the answer is back, so the hub keeps
  serving every other request. grpcio's Python layer is on native locks there (native_grpc),
  which is what makes several tpool threads inside grpcio at once safe.
- not patched (oslo.service's threading backend, plain Python): each caller is already a native
  thread, so the call runs where it is. tpool must not be used there: its result is delivered
  through a hub that lives in one thread, and other native threads would wait on it forever.

Either way a call never outlives its deadline by more than GRACE_S: grpcio enforces the
deadline, and in the patched shape the green caller also stops waiting at the deadline plus
GRACE_S, should a native thread be stuck.
"""

import time

import eventlet
from eventlet import patcher
from eventlet import tpool

# Beyond the gRPC deadline, time for the worker to hand back its DEADLINE_EXCEEDED.
GRACE_S = 2.0


class CallAbandoned(Exception):
    """The green caller stopped waiting: the worker did not answer within the deadline."""


def green_threads():
    """True in an eventlet monkey-patched process (cinder-volume under eventlet)."""
    return patcher.is_monkey_patched("thread")


def run_in_caller(fn, deadline):
    return fn()


def run_in_tpool(fn, deadline):
    """Runs fn() in eventlet's native thread pool; the green caller waits until deadline + GRACE_S."""
    timer = eventlet.Timeout(max(0.0, deadline - time.monotonic()) + GRACE_S)
    try:
        return tpool.execute(fn)
    except eventlet.Timeout as fired:
        if fired is not timer:
            raise  # someone else's timeout, e.g. the caller's own
        raise CallAbandoned() from None
    finally:
        timer.cancel()


def blocking_io(obj):
    """obj (a local file, say) with its blocking methods run off the hub when threads are green."""
    return tpool.Proxy(obj) if green_threads() else obj


def default_runner():
    """The runner for this process: tpool under eventlet patching, the caller's thread otherwise."""
    return run_in_tpool if green_threads() else run_in_caller
