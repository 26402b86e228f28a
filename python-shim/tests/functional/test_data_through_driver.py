"""Real bytes through the driver: image copies, and revert restoring the snapshot onto the volume."""

import hashlib
import random
import time

import pytest

from purebridge import driver
from tests import cinder_objects as objs
from tests.fake_services import FakeImageService

pytestmark = [pytest.mark.functional, pytest.mark.timeout(180)]

MIB = 1 << 20
GIB = 1 << 30


def _pattern(length, seed):
    rnd = random.Random(seed)
    return rnd.randbytes(length)


def _volume_digest(drv, images, vol, image_id):
    images.add(image_id, b"")
    drv.copy_volume_to_image(None, vol, images, images.show(None, image_id))
    return images.uploads[image_id]


def _expected(data, volume_bytes):
    digest = hashlib.sha256(data)
    digest.update(bytes(volume_bytes - len(data)))
    return (volume_bytes, digest.hexdigest())


def test_revert_restores_the_snapshot_onto_the_volume(make_driver, service):
    drv = make_driver(driver.PureISCSIDriver, service)
    images = FakeImageService()
    before, after = _pattern(3 * MIB, 1), _pattern(3 * MIB, 2)
    images.add("before", before)
    images.add("after", after)
    vol = objs.make_volume(size=1)
    vol.provider_id = drv.create_volume(vol)["provider_id"]

    drv.copy_image_to_volume(None, vol, images, "before")
    snap = objs.make_snapshot(vol)
    snap.provider_id = drv.create_snapshot(snap)["provider_id"]
    drv.copy_image_to_volume(None, vol, images, "after")
    assert _volume_digest(drv, images, vol, "out-1") == _expected(after, GIB)

    drv.revert_to_snapshot(None, vol, snap)

    assert _volume_digest(drv, images, vol, "out-2") == _expected(before, GIB)
    # The snapshot itself is unchanged: a clone of it holds the same bytes.
    clone = objs.make_volume(size=1)
    clone.provider_id = drv.create_volume_from_snapshot(clone, snap)["provider_id"]
    assert _volume_digest(drv, images, clone, "out-3") == _expected(before, GIB)


def test_clone_is_independent_of_its_source(make_driver, service):
    drv = make_driver(driver.PureISCSIDriver, service)
    images = FakeImageService()
    first, second = _pattern(2 * MIB, 3), _pattern(2 * MIB, 4)
    images.add("first", first)
    images.add("second", second)
    vol = objs.make_volume(size=1)
    vol.provider_id = drv.create_volume(vol)["provider_id"]
    drv.copy_image_to_volume(None, vol, images, "first")

    clone = objs.make_volume(size=2)
    clone.provider_id = drv.create_cloned_volume(clone, vol)["provider_id"]
    drv.copy_image_to_volume(None, vol, images, "second")

    assert _volume_digest(drv, images, clone, "clone") == _expected(first, 2 * GIB)
    assert _volume_digest(drv, images, vol, "source") == _expected(second, GIB)


def test_stats_carry_the_performance_of_the_io_served(make_driver, service):
    """Upstream's performance keys come from the array's latest 30 s sample,
    which counts complete seconds: write early in an interval, then wait for
    the second to end."""
    drv = make_driver(driver.PureISCSIDriver, service)
    images = FakeImageService()
    images.add("img", _pattern(2 * MIB, 3))
    vol = objs.make_volume(size=1)
    vol.provider_id = drv.create_volume(vol)["provider_id"]
    if time.time() % 30 > 20:
        time.sleep(30.1 - time.time() % 30)

    drv.copy_image_to_volume(None, vol, images, "img")
    time.sleep(1.05 - time.time() % 1.0)
    stats = drv.get_volume_stats(refresh=True)

    assert stats["input_per_sec"] > 0
    assert stats["usec_per_write_op"] > 0
    for key in ("writes_per_sec", "reads_per_sec", "output_per_sec",
                "usec_per_read_op",
                "queue_depth", "queue_usec_per_mirrored_write_op",
                "queue_usec_per_read_op", "queue_usec_per_write_op"):
        assert type(stats[key]) is int, key
    drv.delete_volume(vol)
