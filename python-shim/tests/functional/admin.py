"""Operator APIs for functional tests: ArrayAdminService, ReplicationAdminService."""

import grpc

from purebridge import client as pb_client
from purebridge.v1 import array_admin_pb2 as admin_pb
from purebridge.v1 import array_admin_pb2_grpc as admin_grpc
from purebridge.v1 import replication_admin_pb2 as repl_pb
from purebridge.v1 import replication_admin_pb2_grpc as repl_grpc

TIMEOUT_S = 60


class Admin(object):
    """Checksums objects on any simulated array and drives the replication network."""

    def __init__(self, svc):
        self.svc = svc
        self.channel = grpc.insecure_channel(
            pb_client.channel_target(svc.endpoint))
        self.data = admin_grpc.ArrayAdminServiceStub(self.channel)
        self.repl = repl_grpc.ReplicationAdminServiceStub(self.channel)

    def close(self):
        self.channel.close()

    def access(self, *arrays):
        return [admin_pb.ArrayAccess(array=a, api_token=self.svc.tokens[a])
                for a in (arrays or sorted(self.svc.tokens))]

    def write(self, array, volume, offset, data):
        """Writes bytes to a live volume through ArrayAdminService.WriteData."""
        header = admin_pb.WriteDataHeader(access=self.access(array)[0],
                                          volume=volume, offset_bytes=offset,
                                          length_bytes=len(data))
        parts = [admin_pb.WriteDataRequest(header=header),
                 admin_pb.WriteDataRequest(data=data)]
        return self.data.WriteData(iter(parts),
                                   timeout=TIMEOUT_S).bytes_written

    def checksum(self, array, obj, length):
        return self.data.ChecksumData(admin_pb.ChecksumDataRequest(
            access=self.access(array)[0], object=obj, length_bytes=length),
            timeout=TIMEOUT_S).sha256_hex

    def cut_link(self, a, b):
        return self.repl.CutLink(repl_pb.CutLinkRequest(
            access=self.access(a, b), array_a=a, array_b=b),
            timeout=TIMEOUT_S).network

    def restore_link(self, a, b):
        return self.repl.RestoreLink(repl_pb.RestoreLinkRequest(
            access=self.access(a, b), array_a=a, array_b=b),
            timeout=TIMEOUT_S).network

    def tick(self):
        self.repl.Tick(repl_pb.TickRequest(access=self.access()),
                       timeout=TIMEOUT_S)

    def replicate_now(self, source, group):
        return self.repl.ReplicateNow(repl_pb.ReplicateNowRequest(
            access=self.access(), source_array=source,
            protection_group=group), timeout=TIMEOUT_S)

    def pod(self, name):
        return self.repl.GetPodStatus(repl_pb.GetPodStatusRequest(
            access=self.access(), pod_name=name), timeout=TIMEOUT_S).pods[0]

    def member(self, pod, array):
        return [m for m in self.pod(pod).arrays if m.array == array][0]
