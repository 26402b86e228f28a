"""data_path against a real service: images and backups stream through it."""

import hashlib
import os
import random
import shutil
import tempfile
import uuid

import pytest

from cinder import exception
from purebridge import client as pb_client
from purebridge import data_path
from purebridge.v1 import volume_driver_pb2 as pb
from tests.fake_services import FakeBackupService
from tests.fake_services import FakeImageService
from tests.service import jar_or_skip
from tests.service import Service

pytestmark = pytest.mark.timeout(120)

MIB = 1 << 20


def _bytes(length, seed):
    rnd = random.Random(seed)
    out = bytearray(length)
    for i in range(0, length, 4096):
        out[i:i + 64] = rnd.randbytes(64)
    return bytes(out)


@pytest.fixture(scope="module")
def backend(data_service):
    client = pb_client.PureBridgeClient(data_service.endpoint, 60)
    name = "puredriver-data"
    client.register_backend(pb.RegisterBackendRequest(
        backend_name=name, protocol=pb.STORAGE_PROTOCOL_ISCSI,
        options={"san_ip": "sim://pure-primary",
                 "pure_api_token": data_service.tokens["pure-primary"],
                 "volume_backend_name": name}))
    yield client, name
    client.close()


def _new_volume(backend, size_gib=1):
    client, name = backend
    vid = str(uuid.uuid4())
    volume = {"id": vid, "name_id": vid, "name": "volume-" + vid,
              "size": size_gib}
    client.call("CreateVolume", pb.CreateVolumeRequest(
        backend_name=name, volume=data_path.volume_message(volume)))
    return volume


def _volume_bytes(backend, volume, length):
    client, name = backend
    with data_path.VolumeFile(client, name, volume) as f:
        return f.read(length)


def test_raw_image_round_trips_through_a_volume(backend):
    client, name = backend
    images = FakeImageService()
    image = _bytes(5 * MIB + 123, 1)
    images.add("img-1", image)
    volume = _new_volume(backend)

    written = data_path.copy_image_to_volume(client, name, volume, images,
                                             "img-1", None)
    images.add("img-2", b"")
    data_path.copy_volume_to_image(client, name, volume, images,
                                   images.show(None, "img-2"), None)

    assert written == len(image)
    expected = hashlib.sha256(image)
    expected.update(bytes((1 << 30) - len(image)))
    assert images.uploads["img-2"] == (1 << 30, expected.hexdigest())


def test_backup_and_restore_to_a_new_volume(backend):
    client, name = backend
    source = _new_volume(backend)
    payload = _bytes(4 * MIB, 2)
    with data_path.VolumeFile(client, name, source) as f:
        f.seek(7 * MIB)
        f.write(payload)
    backups = FakeBackupService()
    backup = {"id": "b-1"}

    data_path.backup_volume(client, name, source, backup, backups)
    target = _new_volume(backend)
    data_path.restore_backup(client, name, target, backup, backups)

    assert sorted(backups.stored["b-1"]) == [6 * MIB, 9 * MIB]
    restored = _volume_bytes(backend, target, 12 * MIB)
    assert restored[:7 * MIB] == bytes(7 * MIB)
    assert restored[7 * MIB:11 * MIB] == payload
    assert restored[11 * MIB:] == bytes(MIB)


def test_write_past_the_end_is_refused_and_changes_nothing(backend):
    client, name = backend
    volume = _new_volume(backend)
    with data_path.VolumeFile(client, name, volume) as f:
        f.seek((1 << 30) - 10)
        f.write(b"x" * 10)
    with pytest.raises(exception.CinderException):
        with data_path.VolumeFile(client, name, volume) as f:
            f.seek((1 << 30) - 10)
            f.write(b"y" * 11)
    with data_path.VolumeFile(client, name, volume) as f:
        f.seek(-10, os.SEEK_END)
        assert f.read() == b"x" * 10


def test_unknown_volume_raises_a_cinder_exception(backend):
    client, name = backend
    ghost = {"id": str(uuid.uuid4()), "size": 1}
    with pytest.raises(exception.CinderException):
        _volume_bytes(backend, ghost, 10)


def test_volume_message_carries_extra_specs():
    volume = {"id": "v1", "size": 2, "volume_type": {"extra_specs": {
        "replication_enabled": "<is> True"}}}

    message = data_path.volume_message(volume)

    assert message.name == "volume-v1"
    assert message.size_gib == 2
    assert message.volume_type_extra_specs["replication_enabled"] == \
        "<is> True"


def test_restarted_service_is_registered_again():
    workdir = tempfile.mkdtemp(prefix="pbd-")  # unix socket paths are short
    svc = Service(jar_or_skip(), workdir).start()
    client = pb_client.PureBridgeClient(svc.endpoint, 60, backoff=0.2)
    try:
        name = "puredriver-restart"
        client.register_backend(pb.RegisterBackendRequest(
            backend_name=name, protocol=pb.STORAGE_PROTOCOL_ISCSI,
            options={"san_ip": "sim://pure-primary",
                     "pure_api_token": svc.tokens["pure-primary"],
                     "volume_backend_name": name}))
        volume = _new_volume((client, name))
        with data_path.VolumeFile(client, name, volume) as f:
            f.write(b"kept")
        svc.stop()
        svc.start()

        with data_path.VolumeFile(client, name, volume) as f:
            assert f.read(4) == b"kept"
    finally:
        client.close()
        svc.stop()
        shutil.rmtree(workdir, ignore_errors=True)
