"""Glance and a chunked backup driver as Cinder's data paths see them (test doubles)."""

import hashlib

import pytest

MIB = 1 << 20


class FakeImageService(object):
    """Glance as Cinder sees it: show, download (64 KiB chunks), update."""

    def __init__(self):
        self.images = {}
        self.meta = {}
        self.uploads = {}

    def add(self, image_id, data, disk_format="raw"):
        self.images[image_id] = data
        self.meta[image_id] = {"id": image_id, "disk_format": disk_format,
                               "container_format": "bare",
                               "size": len(data)}

    def show(self, context, image_id):
        return dict(self.meta[image_id])

    def download(self, context, image_id, data=None):
        blob = self.images[image_id]
        for at in range(0, len(blob), 64 * 1024):
            data.write(blob[at:at + 64 * 1024])

    def update(self, context, image_id, meta, data, store_id=None,
               base_image_ref=None):
        """Keeps the upload's SHA-256 and length (1 GiB is too big to keep)."""
        digest = hashlib.sha256()
        length = 0
        while True:
            chunk = data.read(8 * MIB)
            if not chunk:
                break
            digest.update(chunk)
            length += len(chunk)
        self.uploads[image_id] = (length, digest.hexdigest())


class FakeBackupService(object):
    """Like Cinder's chunked backup driver.

    tell/read to back up, seek/write/flush to restore.
    """

    def __init__(self, chunk=3 * MIB):
        self.chunk = chunk
        self.stored = {}

    def backup(self, backup, volume_file):
        objects = {}
        while True:
            offset = volume_file.tell()
            data = volume_file.read(self.chunk)
            if not data:
                break
            if data.strip(b"\0"):
                objects[offset] = data
        self.stored[backup["id"]] = objects

    def restore(self, backup, volume_id, volume_file, volume_is_new):
        for offset, data in sorted(self.stored[backup["id"]].items()):
            volume_file.seek(offset)
            volume_file.write(data)
            volume_file.flush()
            with pytest.raises(IOError):
                volume_file.fileno()
