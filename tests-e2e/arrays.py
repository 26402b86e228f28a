"""What the simulated arrays hold, seen from outside Cinder.

- Their FlashArray REST 2.x front end (HTTPS, the service's own CA bundle): volumes, snapshots,
  hosts, connections, pods and protection groups, as an array administrator would look.
- The service's admin gRPC API (ArrayAdminService, ReplicationAdminService,
  OffloadAdminService), as bin/purebridge-admin uses it: bytes written to and checksummed on
  volumes, "replicate now", what an offload target holds.
"""

import configparser
import hashlib
import json
import re
import ssl
import urllib.error
import urllib.request

import grpc

from purebridge.v1 import array_admin_pb2 as admin_pb
from purebridge.v1 import array_admin_pb2_grpc as admin_grpc
from purebridge.v1 import offload_admin_pb2 as offload_pb
from purebridge.v1 import offload_admin_pb2_grpc as offload_grpc
from purebridge.v1 import replication_admin_pb2 as repl_pb
from purebridge.v1 import replication_admin_pb2_grpc as repl_grpc

_REST_LINE = re.compile(r"purebridge REST 2\.x endpoint for (\S+): san_ip = (\S+) "
                        r"\(CA bundle (.+)\)$")
ARRAYS = ("pure-primary", "pure-sync", "pure-dr")


def volume_name(volume_id):
    """The array's name of a Cinder volume outside any pod."""
    return "volume-%s-cinder" % volume_id


def pattern(volume_id, size=65536):
    """The bytes the suite writes at offset 0 of a volume: different for every volume."""
    seed = hashlib.sha256(volume_id.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


class RestArray(object):
    def __init__(self, name, san_ip, ca_bundle, token):
        self.name = name
        self.san_ip = san_ip
        self.ca_bundle = ca_bundle
        self.base = "https://%s/api" % san_ip
        self.context = ssl.create_default_context(cafile=ca_bundle)
        self.context.check_hostname = False
        self.token = token
        self.version = None
        self.session = None

    def _request(self, method, path, headers):
        request = urllib.request.Request(self.base + path, method=method, headers=headers,
                                         data=b"" if method == "POST" else None)
        return urllib.request.urlopen(request, context=self.context, timeout=30)

    def _login(self):
        with self._request("GET", "/api_version", {}) as response:
            self.version = json.loads(response.read())["version"][-1]
        with self._request("POST", "/%s/login" % self.version,
                           {"api-token": self.token}) as response:
            self.session = response.headers["x-auth-token"]

    def items(self, resource, query=""):
        try:
            return self._items(resource, query)
        except urllib.error.HTTPError as exc:
            if exc.code != 401:
                raise
            # The service restarted and forgot the session: log in again, as a client would.
            self.session = None
            return self._items(resource, query)

    def _items(self, resource, query):
        if self.session is None:
            self._login()
        items = []
        token = None
        while True:
            path = "/%s/%s?limit=200%s%s" % (self.version, resource, query,
                                            "&continuation_token=%s" % token if token else "")
            with self._request("GET", path, {"x-auth-token": self.session}) as response:
                body = json.loads(response.read())
            items.extend(body.get("items", []))
            token = body.get("continuation_token")
            if not token:
                return items

    def volumes(self):
        return {v["name"]: v for v in self.items("volumes")}

    def find_volume(self, volume_id):
        """The array's volume of a Cinder volume, in a pod or not; None when absent."""
        suffix = volume_name(volume_id)
        for name, volume in self.volumes().items():
            if name == suffix or name.endswith("::" + suffix):
                return volume
        return None


class Arrays(object):
    """The service's three simulated arrays."""

    def __init__(self, service_log, service_conf, endpoint):
        parser = configparser.ConfigParser(delimiters=("=",), comment_prefixes=(";", "#"))
        parser.optionxform = str
        parser.read(service_conf)
        self.tokens = dict(parser["arrays"])
        self.endpoint = endpoint
        self.rest = {}
        with open(service_log) as f:
            for line in f:
                match = _REST_LINE.search(line.rstrip("\n"))
                if match:
                    name, san_ip, ca = match.groups()
                    self.rest[name] = RestArray(name, san_ip, ca, self.tokens[name])
        missing = [a for a in ARRAYS if a not in self.rest]
        if missing:
            raise AssertionError("the service log %s names no REST endpoint for %s"
                                 % (service_log, ", ".join(missing)))
        self._channel = None

    def __getitem__(self, name):
        return self.rest[name]

    def _grpc(self):
        if self._channel is None:
            self._channel = grpc.insecure_channel(self.endpoint)
        return self._channel

    def access(self, array):
        return admin_pb.ArrayAccess(array=array, api_token=self.tokens[array])

    def write(self, array, volume, data):
        stub = admin_grpc.ArrayAdminServiceStub(self._grpc())

        def parts():
            yield admin_pb.WriteDataRequest(header=admin_pb.WriteDataHeader(
                access=self.access(array), volume=volume, offset_bytes=0,
                length_bytes=len(data)))
            yield admin_pb.WriteDataRequest(data=data)
        return stub.WriteData(parts(), timeout=60).bytes_written

    def checksum(self, array, obj, length):
        stub = admin_grpc.ArrayAdminServiceStub(self._grpc())
        return stub.ChecksumData(admin_pb.ChecksumDataRequest(
            access=self.access(array), object=obj, offset_bytes=0, length_bytes=length),
            timeout=60).sha256_hex

    def replicate_now(self, source, group):
        stub = repl_grpc.ReplicationAdminServiceStub(self._grpc())
        return stub.ReplicateNow(repl_pb.ReplicateNowRequest(
            access=[self.access(a) for a in ARRAYS], source_array=source,
            protection_group=group), timeout=120).snapshot

    def offloaded(self, target):
        """The names of the offloaded snapshots a target holds (OffloadAdminService, what
        purebridge-admin offload list --target reads)."""
        stub = offload_grpc.OffloadAdminServiceStub(self._grpc())
        return [s.name for s in stub.ListOffloadedSnapshots(offload_pb.ListOffloadedSnapshotsRequest(
            access=[self.access(a) for a in ARRAYS], target=target), timeout=60).snapshots]

    def close(self):
        if self._channel is not None:
            self._channel.close()
