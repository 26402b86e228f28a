"""The one table mapping purebridge gRPC errors to Cinder exceptions.

The service attaches a google.rpc.ErrorInfo (domain "purebridge.io") whose reason is a stable
token such as VOLUME_NOT_FOUND; its message already names the object and says what to do, so it
is passed on unchanged. Nothing here adds a token or a secret to a message.
"""

import dataclasses
import typing

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from oslo_log import log as logging

from cinder import exception
from cinder.i18n import _

LOG = logging.getLogger(__name__)

BACKEND_NOT_REGISTERED = "BACKEND_NOT_REGISTERED"
# The service no longer honours the session credential (it restarted): register again.
CREDENTIAL_UNKNOWN = "CREDENTIAL_UNKNOWN"

# FAILED_PRECONDITION reasons with a more precise Cinder exception than
# VolumeBackendAPIException. Tokens ending in _BUSY / _IN_USE are matched by prefix too.
VOLUME_BUSY_REASONS = frozenset({
    "VOLUME_HAS_SNAPSHOTS", "VOLUME_CONNECTED", "VOLUME_BUSY", "VOLUME_IN_USE",
})
SNAPSHOT_BUSY_REASONS = frozenset({
    "SNAPSHOT_BUSY", "SNAPSHOT_IN_USE", "SNAPSHOT_HAS_DEPENDENTS",
})
# Failover refusals that changed nothing: Cinder's manager keeps the service as it was only for
# InvalidReplicationTarget (any other error disables it with replication_status failover-error).
REPLICATION_TARGET_REASONS = frozenset({
    "INVALID_REPLICATION_TARGET", "REPLICATION_TARGET_UNKNOWN",
    "REPLICATION_NOT_CONFIGURED", "FAILOVER_REFUSED", "NO_FAILOVER_TARGET",
})
# INVALID_ARGUMENT reasons naming a volume or group type the backend cannot honour.
VOLUME_TYPE_REASONS = frozenset({
    "VOLUME_GROUP_SYNC_UNSUPPORTED", "VOLUME_GROUP_NAME_INVALID",
    "GROUP_TYPE_UNSUPPORTED", "OFFLOAD_SPEC_INVALID",
})
FAILOVER_REASONS = frozenset({
    "UNABLE_TO_FAIL_OVER", "FAILOVER_FAILED",
})


@dataclasses.dataclass(frozen=True)
class CallError:
    """What the shim learned from a failed call."""
    rpc: str
    code: grpc.StatusCode
    message: str
    reason: str = ""
    metadata: typing.Mapping[str, str] = dataclasses.field(
        default_factory=dict)
    # True when the error came from the service (it carried an ErrorInfo); False for transport
    # failures such as a missing socket or a refused connection.
    from_service: bool = False
    volume_id: typing.Optional[str] = None
    volume_name: typing.Optional[str] = None
    snapshot_id: typing.Optional[str] = None
    snapshot_name: typing.Optional[str] = None
    existing_ref: typing.Optional[dict] = None

    def describe(self):
        text = "%s: %s" % (self.rpc, self.message or self.code.name)
        if self.reason:
            text += " [%s]" % self.reason
        return text


def parse_rpc_error(rpc, err, **subject):
    """Builds a CallError from a grpc.RpcError raised by a blocking unary call."""
    code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
    message = err.details() if hasattr(err, "details") else str(err)
    reason, metadata, from_service = "", {}, False
    try:
        status = rpc_status.from_call(err)
    except (ValueError, AttributeError):
        status = None
    if status is not None:
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, metadata = info.reason, dict(info.metadata)
                from_service = True
                break
    return CallError(rpc=rpc, code=code, message=message or "", reason=reason,
                     metadata=metadata, from_service=from_service, **subject)


def _invalid_input(err):
    # Upstream's own exceptions for a volume type it cannot honour.
    if err.reason.startswith(("QOS_SPEC_", "VOLUME_GROUP_QOS_")):
        return exception.InvalidQoSSpecs(reason=err.describe())
    if err.reason in VOLUME_TYPE_REASONS:
        return exception.InvalidVolumeType(reason=err.describe())
    return exception.InvalidInput(reason=err.describe())


def _backend_api(err):
    return exception.VolumeBackendAPIException(data=err.describe())


def _driver_failure(err):
    return exception.VolumeDriverException(message=err.describe())


def _not_implemented(err):
    return NotImplementedError(err.describe())


def _not_found(err):
    if err.reason.startswith("SNAPSHOT"):
        return exception.SnapshotNotFound(message=err.describe(),
                                          snapshot_id=err.snapshot_id)
    return exception.VolumeNotFound(message=err.describe(),
                                    volume_id=err.volume_id)


def _failed_precondition(err):
    reason = err.reason
    if reason in VOLUME_BUSY_REASONS or (
            reason.startswith("VOLUME_") and
            reason.endswith(("_BUSY", "_IN_USE"))):
        return exception.VolumeIsBusy(message=err.describe(),
                                      volume_name=err.volume_name)
    if reason in SNAPSHOT_BUSY_REASONS or (
            reason.startswith("SNAPSHOT_") and
            reason.endswith(("_BUSY", "_IN_USE"))):
        return exception.SnapshotIsBusy(message=err.describe(),
                                        snapshot_name=err.snapshot_name)
    if reason in REPLICATION_TARGET_REASONS:
        return exception.InvalidReplicationTarget(reason=err.describe())
    if reason in FAILOVER_REASONS:
        return exception.UnableToFailOver(reason=err.describe())
    return _backend_api(err)


def _unauthenticated(err):
    # The token itself is never logged: only the option that holds it.
    LOG.error("purebridge: the array refused the API token (%(rpc)s). Check "
              "pure_api_token, or api_token in replication_device, in the "
              "backend section of cinder.conf. %(msg)s",
              {"rpc": err.rpc, "msg": err.message})
    return _backend_api(err)


def _unknown_array(err):
    return exception.InvalidInput(
        reason=_("%(detail)s. Check san_ip (and san_ip in replication_device) "
                 "in the backend section of cinder.conf: sim://NAME must "
                 "name an array the purebridge service hosts.")
        % {"detail": err.describe()})


def _invalid_reference(err):
    return exception.ManageExistingInvalidReference(
        existing_ref=err.existing_ref, reason=err.describe())


_C = grpc.StatusCode

# (rpc or None, status code) -> Cinder exception factory. An RPC-specific row wins over the
# generic one (rpc None).
ERROR_TABLE = {
    (None, _C.INVALID_ARGUMENT): _invalid_input,
    (None, _C.OUT_OF_RANGE): _invalid_input,
    (None, _C.NOT_FOUND): _not_found,
    (None, _C.ALREADY_EXISTS): _backend_api,
    (None, _C.FAILED_PRECONDITION): _failed_precondition,
    (None, _C.ABORTED): _backend_api,
    (None, _C.RESOURCE_EXHAUSTED): _backend_api,
    (None, _C.UNAVAILABLE): _backend_api,
    (None, _C.DEADLINE_EXCEEDED): _backend_api,
    (None, _C.CANCELLED): _backend_api,
    (None, _C.UNAUTHENTICATED): _unauthenticated,
    (None, _C.PERMISSION_DENIED): _unauthenticated,
    (None, _C.UNIMPLEMENTED): _not_implemented,
    (None, _C.INTERNAL): _driver_failure,
    (None, _C.UNKNOWN): _driver_failure,
    (None, _C.DATA_LOSS): _driver_failure,
    # RegisterBackend: NOT_FOUND is an unknown sim:// array, a configuration error.
    ("RegisterBackend", _C.NOT_FOUND): _unknown_array,
    # Manage: the Cinder object exists; what is missing or unusable is the array reference.
    ("ManageExisting", _C.NOT_FOUND): _invalid_reference,
    ("ManageExisting", _C.INVALID_ARGUMENT): _invalid_reference,
    ("ManageExisting", _C.FAILED_PRECONDITION): _invalid_reference,
    ("ManageExistingGetSize", _C.NOT_FOUND): _invalid_reference,
    ("ManageExistingGetSize", _C.INVALID_ARGUMENT): _invalid_reference,
    ("ManageExistingSnapshot", _C.NOT_FOUND): _invalid_reference,
    ("ManageExistingSnapshot", _C.INVALID_ARGUMENT): _invalid_reference,
    ("ManageExistingSnapshot", _C.FAILED_PRECONDITION): _invalid_reference,
    ("ManageExistingSnapshotGetSize", _C.NOT_FOUND): _invalid_reference,
    ("ManageExistingSnapshotGetSize", _C.INVALID_ARGUMENT):
        _invalid_reference,
}


def to_cinder_exception(err):
    """Returns the Cinder exception for a CallError (see ERROR_TABLE)."""
    factory = (ERROR_TABLE.get((err.rpc, err.code)) or
               ERROR_TABLE.get((None, err.code)) or _driver_failure)
    return factory(err)


def service_unreachable(endpoint, rpc, detail):
    """The exception raised when no purebridge service answers at the endpoint."""
    return exception.VolumeBackendAPIException(data=_(
        "purebridge service unreachable at %(endpoint)s (%(rpc)s: %(detail)s). "
        "Start the purebridge service (`make run` in a source tree, or the "
        "purebridge systemd/devstack service) or fix purebridge_endpoint in "
        "the backend section of cinder.conf.")
        % {"endpoint": endpoint, "rpc": rpc, "detail": detail})


def deadline_exceeded(endpoint, rpc, timeout):
    """The exception raised when the service did not answer within purebridge_timeout."""
    return exception.VolumeBackendAPIException(data=_(
        "%(rpc)s: the purebridge service at %(endpoint)s did not answer "
        "within %(timeout).0f s (purebridge_timeout). Check the service's "
        "log; raise purebridge_timeout if the array is just slow.")
        % {"rpc": rpc, "endpoint": endpoint, "timeout": timeout})
