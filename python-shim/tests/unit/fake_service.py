"""A real gRPC VolumeDriverService on 127.0.0.1:0 whose answers each test scripts."""

import collections
import threading
from concurrent import futures

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2
from google.rpc import status_pb2
from grpc_status import rpc_status

from purebridge.v1 import volume_driver_pb2 as pb
from purebridge.v1 import volume_driver_pb2_grpc as pb_grpc

SERVICE = pb.DESCRIPTOR.services_by_name["VolumeDriverService"]
RPC_NAMES = [m.name for m in SERVICE.methods]

Call = collections.namedtuple("Call", "rpc request thread_id")


class Fail(object):
    """A scripted error: gRPC code, ErrorInfo reason (None: no ErrorInfo) and message."""

    def __init__(self, code, reason="SOME_REASON", message="it failed"):
        self.code, self.reason, self.message = code, reason, message

    def abort(self, context):
        status = status_pb2.Status(code=self.code.value[0],
                                   message=self.message)
        if self.reason is not None:
            detail = any_pb2.Any()
            detail.Pack(error_details_pb2.ErrorInfo(
                reason=self.reason, domain="purebridge.io"))
            status.details.append(detail)
        context.abort_with_status(rpc_status.to_status(status))


class FakeService(pb_grpc.VolumeDriverServiceServicer):
    """Records every request; answers from a per-RPC script of responses or Fail objects."""

    def __init__(self):
        self.calls = []
        self._scripts = collections.defaultdict(collections.deque)
        self._defaults = {}
        self._lock = threading.Lock()

    def answer(self, rpc, *answers):
        """Queues answers for the next calls of rpc (a message, a Fail or a callable)."""
        self._scripts[rpc].extend(answers)

    def always(self, rpc, answer):
        self._defaults[rpc] = answer

    def requests(self, rpc):
        return [c.request for c in self.calls if c.rpc == rpc]

    def rpcs(self):
        return [c.rpc for c in self.calls]

    def _handle(self, rpc, request, context):
        with self._lock:
            self.calls.append(Call(rpc, request, threading.get_ident()))
            script = self._scripts[rpc]
            answer = script.popleft() if script else self._defaults.get(rpc)
        if callable(answer) and not isinstance(answer, Fail):
            answer = answer(request, context)
        if answer is None:
            answer = getattr(pb, rpc + "Response")()
        if isinstance(answer, Fail):
            answer.abort(context)
        return answer


def _bind(rpc):
    def method(self, request, context):
        return self._handle(rpc, request, context)
    method.__name__ = rpc
    return method


for _rpc in RPC_NAMES:
    setattr(FakeService, _rpc, _bind(_rpc))


class FakeServer(object):
    def __init__(self):
        self.service = FakeService()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        pb_grpc.add_VolumeDriverServiceServicer_to_server(self.service,
                                                          self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self.endpoint = "127.0.0.1:%d" % self.port

    def start(self):
        self._server.start()
        return self

    def stop(self):
        self._server.stop(grace=None).wait(5)
