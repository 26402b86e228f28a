"""grpcio with native locks, also in a process that eventlet has monkey-patched.

cinder-volume patches `threading` before anything else is imported, so grpcio's Python layer
(grpc._channel, grpc._observability, the Cython cygrpc module) creates eventlet primitives for
its channel and call state. The shim runs blocking calls in eventlet's native thread pool
(tpool), and several tpool threads then contend on one eventlet lock: the waiter is parked on
its own thread's hub and woken from another thread's, which eventlet refuses ("Cannot switch to
a different thread") and both threads hang for good.

`load()` points grpcio's modules back at the native `threading` (the one eventlet.tpool itself
uses) and rebuilds the few module-level primitives grpcio created at import time, before any
channel exists. From then on every grpcio object the shim makes holds native locks: the tpool
threads that run calls, and grpcio's own spin and request threads, are all native threads, so
native locks are the correct kind. Green threads never block on them: they only hand work to
tpool. In a process that is not patched nothing is changed.

`green_primitives()` lists what is still green, for the tests that keep this true when grpcio
changes.
"""

import sys
import types

from eventlet import patcher
import grpc
# The modules a channel, its calls, their interceptors and call credentials use: loaded now so
# that they are fixed before any of them creates a lock.
from grpc import _channel  # noqa: F401
from grpc import _common  # noqa: F401
from grpc import _interceptor  # noqa: F401
from grpc import _observability
from grpc import _plugin_wrapping  # noqa: F401
from grpc import _utilities  # noqa: F401
from grpc._cython import cygrpc

_NATIVE_THREADING = patcher.original("threading")
_loaded = False


def _patched():
    return patcher.is_monkey_patched("thread")


def _grpc_modules():
    return [module for name, module in list(sys.modules.items())
            if module is not None and
            (name == "grpc" or name.startswith("grpc."))]


def load():
    """Returns the grpc module, its Python layer on native threading when threads are green."""
    global _loaded
    if _loaded or not _patched():
        _loaded = True
        return grpc
    for module in _grpc_modules():
        if getattr(module, "threading", None) is not None:
            module.threading = _NATIVE_THREADING
    # Created when grpc was imported, so still green: the lock taken around every call's
    # tracing, and cygrpc's fork bookkeeping (its conditions guard the spin threads).
    _observability._plugin_lock = _NATIVE_THREADING.RLock()
    cygrpc._fork_state = cygrpc._ForkState()
    _loaded = True
    return grpc


def native_threading():
    """The threading module whose locks and threads are the operating system's."""
    return _NATIVE_THREADING


def _is_green(value):
    module = getattr(type(value), "__module__", "") or ""
    return module.startswith("eventlet")


def _green_inside(value, where, depth):
    """Paths under value (an object's attributes, depth levels down) that are eventlet objects."""
    if _is_green(value):
        return [where]
    if (depth == 0 or isinstance(value, (type, types.ModuleType)) or
            not hasattr(value, "__dict__")):
        return []
    found = []
    for attr, inner in list(vars(value).items()):
        found.extend(_green_inside(inner, "%s.%s" % (where, attr), depth - 1))
    return found


def green_primitives():
    """Names of grpc module globals (or their attributes) that hold eventlet objects.

    Empty after load() in a patched process; a test fails when a grpcio release adds one.
    """
    green = []
    green_threading = sys.modules.get("threading")
    for module in _grpc_modules():
        for name, value in list(vars(module).items()):
            where = "%s.%s" % (module.__name__, name)
            if isinstance(value, types.ModuleType):
                if (value is green_threading and _patched() and
                        value is not _NATIVE_THREADING):
                    green.append(where)
            elif not callable(value) or _is_green(value):
                green.extend(_green_inside(value, where, 3))
    return green
