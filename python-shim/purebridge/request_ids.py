"""Cinder's request id, carried to the purebridge service with every call.

cinder-volume makes the request context of the operation it runs the thread's current one
(oslo.context); its request id (``req-<uuid>``) heads every cinder-volume.log line of the
operation. The shim sends it as the ``x-openstack-request-id`` gRPC metadata, the service puts
it on every log line of the call and in the error details it returns, so one grep follows a
request from cinder-volume.log into the service's log.

Read it in the calling (green) thread, before the call goes to eventlet's thread pool: the
current context is thread-local and the pool's native threads have none.
"""

from oslo_context import context as oslo_context

METADATA_KEY = "x-openstack-request-id"


def current():
    """The current request context's id, or None outside a request."""
    ctx = oslo_context.get_current()
    request_id = getattr(ctx, "request_id", None) if ctx is not None else None
    return request_id or None


def metadata(request_id):
    """gRPC call metadata carrying request_id (empty for None)."""
    return ((METADATA_KEY, request_id),) if request_id else ()
