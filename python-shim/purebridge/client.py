"""gRPC client of the purebridge service, as cinder-volume must call it.

- Blocking calls never run on eventlet's hub: under monkey-patching they run in eventlet's native
  thread pool, otherwise in the caller's own thread (call_runner). grpcio's Python layer is kept
  on native locks (native_grpc), so any number of green or native threads may call at once.
- Each call has one deadline, purebridge_timeout from the moment the driver asked: time spent
  waiting for a free pool thread, every attempt and every backoff count against it.
- Idempotent calls are retried with backoff when the service or array is UNAVAILABLE, while the
  deadline allows.
- A service that restarted has forgotten the backend; the client registers it again with the
  request do_setup sent and retries the call once.
- Errors leave this module as Cinder exceptions only (errors.ERROR_TABLE).
"""

import threading
import time

import grpc
from oslo_log import log as logging

from purebridge import call_runner
from purebridge import credentials
from purebridge import errors
from purebridge import native_grpc
from purebridge import request_ids
from purebridge.v1 import volume_driver_pb2_grpc

# Before this module makes any channel: grpcio's locks must be native ones (see native_grpc).
native_grpc.load()

LOG = logging.getLogger(__name__)

REGISTER_BACKEND = "RegisterBackend"

# Repeating these after a lost answer leaves the same result (every create is idempotent by
# name, deletes of missing objects succeed). Manage renames the source object, so a blind
# repeat would fail on the name it just released.
# Retype: a retry would see the volume already moved (and name it by its old place).
NON_IDEMPOTENT_RPCS = frozenset({"ManageExisting", "ManageExistingSnapshot",
                                 "Retype"})
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE,
                             grpc.StatusCode.ABORTED})

# A restarted service must be found again quickly: gRPC's default reconnect backoff grows to
# two minutes.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.enable_retries", 0),
)


def channel_target(endpoint):
    """unix:/path, unix:///path, /path (a socket) or host:port -> a gRPC target."""
    endpoint = (endpoint or "").strip()
    if endpoint.startswith("/"):
        return "unix:" + endpoint
    return endpoint


def _forgotten(err):
    """The service no longer knows this backend or its credential (it restarted)."""
    return ((err.code == grpc.StatusCode.FAILED_PRECONDITION and
             err.reason == errors.BACKEND_NOT_REGISTERED) or
            (err.code == grpc.StatusCode.UNAUTHENTICATED and
             err.reason == errors.CREDENTIAL_UNKNOWN))


class _QueuedPastDeadline(Exception):
    """The call's deadline passed while it waited for a worker thread."""


class _CallFailed(Exception):
    def __init__(self, error):
        super().__init__(error.describe())
        self.error = error


class PureBridgeClient(object):
    """Calls VolumeDriverService RPCs by name for one backend."""

    def __init__(self, endpoint, timeout, *, runner=None, sleep=time.sleep,
                 clock=time.monotonic, attempts=4, backoff=0.5,
                 channel_factory=None):
        self.endpoint = endpoint
        self.timeout = float(timeout)
        # runner(fn, deadline) runs fn() off the hub; tests pass one that records threads.
        self._run_blocking = runner or call_runner.default_runner()
        self._sleep = sleep
        self._clock = clock
        self._attempts = max(1, int(attempts))
        self._backoff = backoff
        self._channel_factory = channel_factory or (
            lambda target: grpc.insecure_channel(target,
                                                 options=CHANNEL_OPTIONS))
        # Guards channel creation against native callers (unpatched); green callers never
        # yield while holding it.
        self._channel_lock = threading.Lock()
        self._channel = None
        self._stub = None
        self._registration = None
        # Sent with every call once RegisterBackend issued it (credentials.py).
        self._credential = credentials.SessionCredential()
        self._get_stub()

    def __repr__(self):
        # Never show the saved registration: it holds the API tokens.
        return "PureBridgeClient(endpoint=%r)" % self.endpoint

    def _get_stub(self):
        with self._channel_lock:
            if self._stub is None:
                self._channel = self._credential.intercept(
                    self._channel_factory(channel_target(self.endpoint)))
                self._stub = volume_driver_pb2_grpc.VolumeDriverServiceStub(
                    self._channel)
            return self._stub

    def close(self):
        with self._channel_lock:
            if self._channel is not None:
                self._channel.close()
            self._channel = self._stub = None

    def register_backend(self, request):
        """Registers the backend and keeps the request for re-registration."""
        self._registration = request
        return self._register(request)

    def _register(self, request):
        response = self.call(REGISTER_BACKEND, request)
        self._credential.update(response)
        return response

    def call(self, rpc, request, **subject):
        """Calls rpc; returns its response or raises the Cinder exception for its error.

        subject (volume_id, volume_name, snapshot_id, snapshot_name, existing_ref) names the
        Cinder object the call is about, for the exception's fields.
        """
        method = getattr(self._get_stub(), rpc)
        # Read here, in the caller's (green) thread: the pool's threads have no current context.
        request_id = request_ids.current()
        if request_id:
            LOG.debug("purebridge: %(rpc)s request %(request_id)s",
                      {"rpc": rpc, "request_id": request_id})
        metadata = request_ids.metadata(request_id)
        return self.run(rpc, lambda timeout: method(request, timeout=timeout,
                                                    metadata=metadata),
                        **subject)

    def channel(self):
        """The channel to the service, for stubs of its other services."""
        self._get_stub()
        return self._channel

    def run(self, rpc, work, **subject):
        """Runs work(timeout) (one whole gRPC call, unary or streaming) as call() runs an RPC.

        Off the hub, within one purebridge_timeout, retried when idempotent and UNAVAILABLE,
        repeated once after registering the backend again when the service forgot it, errors
        as Cinder exceptions. work must be safe to repeat and pass timeout (the seconds left)
        to its gRPC call.
        """
        reregistered = False
        while True:
            try:
                return self._run_with_retries(rpc, work, subject)
            except _CallFailed as failed:
                err = failed.error
                if (not reregistered and rpc != REGISTER_BACKEND and
                        self._registration is not None and
                        _forgotten(err)):
                    LOG.warning("purebridge: the service at %(ep)s does not "
                                "know backend %(be)s (it restarted?); "
                                "registering again.",
                                {"ep": self.endpoint,
                                 "be": self._registration.backend_name})
                    self._register(self._registration)
                    reregistered = True
                    continue
                raise self._translate(err) from None

    def _translate(self, err):
        if (err.code == grpc.StatusCode.UNAVAILABLE and
                not err.from_service):
            return errors.service_unreachable(self.endpoint, err.rpc,
                                              err.message)
        if (err.code == grpc.StatusCode.DEADLINE_EXCEEDED and
                not err.from_service):
            return errors.deadline_exceeded(self.endpoint, err.rpc,
                                            self.timeout)
        return errors.to_cinder_exception(err)

    def _attempt(self, rpc, work, deadline, subject):
        """One attempt, off the hub; returns (response, None) or (None, CallError)."""
        def blocking():
            # On the worker thread: nothing but the gRPC call (no logging, no eventlet).
            left = deadline - self._clock()
            if left <= 0:
                raise _QueuedPastDeadline()  # do not start what cannot finish in time
            return work(left)
        try:
            return self._run_blocking(blocking, deadline), None
        except grpc.RpcError as rpc_error:
            return None, errors.parse_rpc_error(rpc, rpc_error, **subject)
        except (_QueuedPastDeadline, call_runner.CallAbandoned):
            return None, errors.CallError(
                rpc=rpc, code=grpc.StatusCode.DEADLINE_EXCEEDED,
                message="no answer within purebridge_timeout", **subject)

    def _run_with_retries(self, rpc, work, subject):
        deadline = self._clock() + self.timeout
        attempts = 1 if rpc in NON_IDEMPOTENT_RPCS else self._attempts
        delay = self._backoff
        for attempt in range(1, attempts + 1):
            response, err = self._attempt(rpc, work, deadline, subject)
            if err is None:
                return response
            if (err.code not in RETRYABLE_CODES or attempt == attempts or
                    self._clock() + delay >= deadline):
                raise _CallFailed(err)
            LOG.debug("purebridge: %(rpc)s got %(code)s (attempt %(n)d of "
                      "%(max)d); retrying in %(delay).1f s.",
                      {"rpc": rpc, "code": err.code.name, "n": attempt,
                       "max": attempts, "delay": delay})
            self._sleep(delay)
            delay *= 2
