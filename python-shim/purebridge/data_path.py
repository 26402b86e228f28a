"""Cinder's image and backup copies for backends on simulated arrays.

A simulated array has no iSCSI/FC/NVMe target to attach, so Cinder's
generic paths (attach the volume, open the device) cannot work. Instead the
bytes stream through the service's VolumeDataService, addressed like every
driver call by backend name and volume; a backend on a real array answers
FAILED_PRECONDITION (NO_DATA_PATH), and the driver should then use Cinder's
generic attach-based implementation.

Every blocking gRPC call runs off eventlet's hub (call_runner), one
call per buffered range of at most BUFFER_BYTES, sent in CHUNK_BYTES
messages: memory stays bounded whatever the volume size.

The driver calls (see the module's tests for a runnable example):
    copy_image_to_volume(client, backend_name, volume, image_service,
                         image_id, context)
    copy_volume_to_image(client, backend_name, volume, image_service,
                         image_meta, context)
    backup_volume(client, backend_name, volume, backup, backup_service)
    restore_backup(client, backend_name, volume, backup, backup_service)
"""

import io
import os
import tempfile

from oslo_log import log as logging

from purebridge import call_runner
from purebridge.v1 import volume_data_pb2
from purebridge.v1 import volume_data_pb2_grpc
from purebridge.v1 import volume_driver_pb2

LOG = logging.getLogger(__name__)

GIB = 1 << 30
CHUNK_BYTES = 1 << 20
# Writes are gathered up to this size before one streaming call.
BUFFER_BYTES = 8 << 20
NO_DATA_PATH = "NO_DATA_PATH"


def volume_message(volume):
    """A Cinder volume object (or dict) -> purebridge.v1.Volume."""
    specs = {}
    volume_type = _get(volume, "volume_type")
    if volume_type is not None:
        for key, value in (_get(volume_type, "extra_specs") or {}).items():
            specs[str(key)] = str(value)
    return volume_driver_pb2.Volume(
        id=_get(volume, "id"),
        name_id=_get(volume, "name_id") or _get(volume, "id"),
        name=_get(volume, "name") or "volume-%s" % _get(volume, "id"),
        provider_id=_get(volume, "provider_id") or "",
        size_gib=int(_get(volume, "size") or 0),
        volume_type_extra_specs=specs,
        replication_status=_get(volume, "replication_status") or "")


def _get(obj, key):
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


class VolumeFile(io.RawIOBase):
    """A seekable file over a volume's bytes in the service.

    write() gathers contiguous bytes and sends them in one WriteVolumeData
    stream when BUFFER_BYTES are pending, on seek, flush and close; read()
    fetches with ReadVolumeData. Cinder's backup drivers (read/tell, or
    seek/write/flush) and image_service.download / update use it as they
    would an attached device. fileno() is unsupported, which those callers
    tolerate.
    """

    def __init__(self, client, backend_name, volume):
        super().__init__()
        self._client = client
        self._backend_name = backend_name
        self._volume = volume_message(volume)
        self._volume_id = self._volume.id
        self._stub = volume_data_pb2_grpc.VolumeDataServiceStub(
            client.channel())
        self.size = self._volume.size_gib * GIB
        self._pos = 0
        self._pending = bytearray()
        self._pending_at = 0
        self.bytes_written = 0

    # -- io.RawIOBase -------------------------------------------------------

    def readable(self):
        return True

    def writable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._pos

    def seek(self, offset, whence=os.SEEK_SET):
        if whence == os.SEEK_SET and offset == self._pos:
            return self._pos  # keeps a run of writes in one buffer
        self.flush()
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        elif whence == os.SEEK_END:
            pos = self.size + offset
        else:
            raise ValueError("invalid whence %r" % whence)
        if pos < 0:
            raise ValueError("negative seek position %d" % pos)
        self._pos = pos
        return pos

    def write(self, data):
        data = memoryview(data).cast("B")
        if not self._pending:
            self._pending_at = self._pos
        self._pending += data
        self._pos += len(data)
        if len(self._pending) >= BUFFER_BYTES:
            self._send_pending()
        return len(data)

    def read(self, size=-1):
        self.flush()
        left = max(0, self.size - self._pos)
        length = left if size is None or size < 0 else min(size, left)
        if length == 0:
            return b""
        data = self._read_range(self._pos, length)
        self._pos += len(data)
        return data

    def readall(self):
        return self.read(-1)

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def flush(self):
        if self._pending:
            self._send_pending()

    def fileno(self):
        raise io.UnsupportedOperation(
            "volume %s lives in the purebridge service and has no file "
            "descriptor" % self._volume_id)

    def close(self):
        if not self.closed:
            try:
                self.flush()
            finally:
                super().close()

    # -- transfers ----------------------------------------------------------

    def _send_pending(self):
        data = bytes(self._pending)
        offset = self._pending_at
        self._pending = bytearray()
        header = volume_data_pb2.WriteVolumeDataHeader(
            backend_name=self._backend_name, volume=self._volume,
            offset_bytes=offset, length_bytes=len(data))

        def requests():
            yield volume_data_pb2.WriteVolumeDataRequest(header=header)
            view = memoryview(data)
            for at in range(0, len(data), CHUNK_BYTES):
                yield volume_data_pb2.WriteVolumeDataRequest(
                    data=bytes(view[at:at + CHUNK_BYTES]))

        response = self._rpc(
            "WriteVolumeData",
            lambda timeout: self._stub.WriteVolumeData(requests(),
                                                       timeout=timeout))
        self.bytes_written += response.bytes_written

    def _read_range(self, offset, length):
        request = volume_data_pb2.ReadVolumeDataRequest(
            backend_name=self._backend_name, volume=self._volume,
            offset_bytes=offset, length_bytes=length)

        def fetch(timeout):
            out = bytearray()
            for chunk in self._stub.ReadVolumeData(request, timeout=timeout):
                out += chunk.data
            return bytes(out)
        return self._rpc("ReadVolumeData", fetch)

    def _rpc(self, rpc, call):
        """Runs one whole, self-contained call through the client: off the hub, within
        purebridge_timeout, retried, and repeated once after a service restart made it forget
        the backend."""
        return self._client.run(rpc, call, volume_id=self._volume_id)


def _copy(source, target, length=None, block=BUFFER_BYTES):
    """Copies source.read() to target.write(); returns the bytes copied."""
    copied = 0
    while length is None or copied < length:
        want = block if length is None else min(block, length - copied)
        data = source.read(want)
        if not data:
            break
        target.write(data)
        copied += len(data)
    return copied


def _is_raw(image_meta):
    return ((image_meta or {}).get("disk_format") or "raw") == "raw"


def copy_image_to_volume(client, backend_name, volume, image_service,
                         image_id, context, *, image_utils=None,
                         blocksize=CHUNK_BYTES, tmp_dir=None):
    """Fills the volume from a Glance image.

    A raw image streams from Glance straight into the volume. Any other
    format is converted by Cinder's image_utils.fetch_to_raw (qemu-img) into
    a local temporary file first, which then streams into the volume.
    """
    meta = image_service.show(context, image_id)
    with VolumeFile(client, backend_name, volume) as target:
        if _is_raw(meta):
            LOG.debug("purebridge: streaming raw image %(image)s into volume "
                      "%(volume)s", {"image": image_id,
                                     "volume": target._volume_id})
            image_service.download(context, image_id, target)
            target.flush()
            return target.bytes_written
        image_utils = image_utils or _image_utils()
        fd, path = tempfile.mkstemp(prefix="purebridge-image-", dir=tmp_dir)
        os.close(fd)
        try:
            image_utils.fetch_to_raw(context, image_service, image_id, path,
                                     blocksize, size=_get(volume, "size"),
                                     run_as_root=False)
            with open(path, "rb") as source:
                _copy(call_runner.blocking_io(source), target)
            target.flush()
            return target.bytes_written
        finally:
            os.unlink(path)


def copy_volume_to_image(client, backend_name, volume, image_service,
                         image_meta, context, *, image_utils=None,
                         tmp_dir=None):
    """Uploads the volume to a Glance image.

    A raw image streams from the volume to Glance. Any other disk format goes
    through a local raw temporary file that Cinder's image_utils.upload_volume
    converts (qemu-img) and uploads.
    """
    source = VolumeFile(client, backend_name, volume)
    if _is_raw(image_meta):
        image_service.update(context, image_meta["id"], {}, source,
                             store_id=image_meta.get("store_id"),
                             base_image_ref=image_meta.get(
                                 "base_image_ref"))
        return source.size
    image_utils = image_utils or _image_utils()
    fd, path = tempfile.mkstemp(prefix="purebridge-volume-", dir=tmp_dir)
    os.close(fd)
    try:
        with open(path, "wb") as raw:
            _copy(source, call_runner.blocking_io(raw))
        image_utils.upload_volume(context, image_service, image_meta, path,
                                  volume_format="raw", run_as_root=False)
    finally:
        os.unlink(path)
    return source.size


def backup_volume(client, backend_name, volume, backup, backup_service):
    """Backs the volume up with Cinder's backup service."""
    with VolumeFile(client, backend_name, volume) as source:
        backup_service.backup(backup, source)


def restore_backup(client, backend_name, volume, backup, backup_service,
                   volume_is_new=True):
    """Restores a backup onto the volume (backup_service.restore)."""
    with VolumeFile(client, backend_name, volume) as target:
        backup_service.restore(backup, _get(volume, "id"), target,
                               volume_is_new)


def _image_utils():
    from cinder.image import image_utils
    return image_utils
