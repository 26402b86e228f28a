"""gRPC client of the purebridge service, as cinder-volume must call it.

- Every blocking call runs in eventlet's native thread pool: a direct call would freeze the
  whole (monkey-patched) cinder-volume process while it waits.
- Idempotent calls are retried with backoff when the service or array is UNAVAILABLE.
- A service that restarted has forgotten the backend; the client registers it again with the
  request do_setup sent and retries the call once.
- Errors leave this module as Cinder exceptions only (errors.ERROR_TABLE).
"""

import time

from eventlet import tpool
import grpc
from oslo_log import log as logging

from purebridge import errors
from purebridge.v1 import volume_driver_pb2_grpc

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


def _run_work(rpc, work):
    # Runs in a native thread (tpool): blocking here is fine. rpc is for executors that log it.
    return work()


class _CallFailed(Exception):
    def __init__(self, error):
        super().__init__(error.describe())
        self.error = error


class PureBridgeClient(object):
    """Calls VolumeDriverService RPCs by name for one backend."""

    def __init__(self, endpoint, timeout, *, executor=tpool.execute,
                 sleep=time.sleep, attempts=4, backoff=0.5,
                 channel_factory=None):
        self.endpoint = endpoint
        self.timeout = float(timeout)
        self._execute = executor
        self._sleep = sleep
        self._attempts = max(1, int(attempts))
        self._backoff = backoff
        self._channel_factory = channel_factory or (
            lambda target: grpc.insecure_channel(target,
                                                 options=CHANNEL_OPTIONS))
        self._channel = None
        self._stub = None
        self._registration = None
        self._get_stub()

    def __repr__(self):
        # Never show the saved registration: it holds the API tokens.
        return "PureBridgeClient(endpoint=%r)" % self.endpoint

    def _get_stub(self):
        if self._stub is None:
            self._channel = self._channel_factory(channel_target(self.endpoint))
            self._stub = volume_driver_pb2_grpc.VolumeDriverServiceStub(
                self._channel)
        return self._stub

    def close(self):
        if self._channel is not None:
            self._channel.close()
        self._channel = self._stub = None

    def register_backend(self, request):
        """Registers the backend and keeps the request for re-registration."""
        self._registration = request
        return self.call(REGISTER_BACKEND, request)

    def call(self, rpc, request, **subject):
        """Calls rpc; returns its response or raises the Cinder exception for its error.

        subject (volume_id, volume_name, snapshot_id, snapshot_name, existing_ref) names the
        Cinder object the call is about, for the exception's fields.
        """
        return self.run(rpc, lambda: self._invoke(rpc, request), **subject)

    def channel(self):
        """The channel to the service, for stubs of its other services."""
        self._get_stub()
        return self._channel

    def run(self, rpc, work, **subject):
        """Runs work() (one whole gRPC call, unary or streaming) as call() runs an RPC.

        In eventlet's thread pool, retried when idempotent and UNAVAILABLE, repeated once after
        registering the backend again when the service forgot it, errors as Cinder exceptions.
        work must be safe to repeat.
        """
        reregistered = False
        while True:
            try:
                return self._run_with_retries(rpc, work, subject)
            except _CallFailed as failed:
                err = failed.error
                if (not reregistered and rpc != REGISTER_BACKEND and
                        self._registration is not None and
                        err.code == grpc.StatusCode.FAILED_PRECONDITION and
                        err.reason == errors.BACKEND_NOT_REGISTERED):
                    LOG.warning("purebridge: the service at %(ep)s does not "
                                "know backend %(be)s (it restarted?); "
                                "registering again.",
                                {"ep": self.endpoint,
                                 "be": self._registration.backend_name})
                    self.call(REGISTER_BACKEND, self._registration)
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

    def _run_with_retries(self, rpc, work, subject):
        attempts = 1 if rpc in NON_IDEMPOTENT_RPCS else self._attempts
        delay = self._backoff
        for attempt in range(1, attempts + 1):
            try:
                return self._execute(_run_work, rpc, work)
            except grpc.RpcError as rpc_error:
                err = errors.parse_rpc_error(rpc, rpc_error, **subject)
            if err.code not in RETRYABLE_CODES or attempt == attempts:
                raise _CallFailed(err)
            LOG.debug("purebridge: %(rpc)s got %(code)s (attempt %(n)d of "
                      "%(max)d); retrying in %(delay).1f s.",
                      {"rpc": rpc, "code": err.code.name, "n": attempt,
                       "max": attempts, "delay": delay})
            self._sleep(delay)
            delay *= 2

    def _invoke(self, rpc, request):
        method = getattr(self._get_stub(), rpc)
        return method(request, timeout=self.timeout)
