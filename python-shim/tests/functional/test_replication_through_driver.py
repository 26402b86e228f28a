"""Replication end to end from the shim: bytes written through the driver, verified on every copy.

The backend replicates to pure-sync (a stretched pod, sync) and pure-dr (protection groups,
async; trisync when enabled). Each test writes a pattern through copy_image_to_volume and reads
SHA-256 sums of the written range from every array that should hold it, through the service's
ArrayAdminService; async copies are shipped with ReplicationAdminService.ReplicateNow.
"""

import hashlib
import random

import grpc
import pytest

from purebridge import driver
from tests.fake_services import FakeImageService
from tests.functional import replication
from tests.functional.admin import Admin

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]

MIB = 1 << 20


def _devices(svc):
    return [{"backend_id": "pure-sync", "san_ip": "sim://pure-sync",
             "api_token": svc.tokens["pure-sync"], "type": "sync"},
            {"backend_id": "pure-dr", "san_ip": "sim://pure-dr",
             "api_token": svc.tokens["pure-dr"], "type": "async"}]


@pytest.fixture
def replicated_driver(make_driver, service):
    return make_driver(driver.PureISCSIDriver, service,
                       replication_device=_devices(service),
                       pure_trisync_enabled=True)


class Writer(object):
    """Writes distinct patterns through the driver and remembers the last one's digest."""

    def __init__(self, drv):
        self.drv = drv
        self.images = FakeImageService()
        self.seed = 0

    def write(self, vol, length=2 * MIB):
        self.seed += 1
        data = random.Random(self.seed).randbytes(length)
        image_id = "img-%d" % self.seed
        self.images.add(image_id, data)
        self.drv.copy_image_to_volume(None, vol, self.images, image_id)
        return len(data), hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("mode", ["sync", "async", "trisync"])
def test_each_mode_puts_the_same_bytes_on_every_copy(replicated_driver,
                                                     admin, mode):
    writer = Writer(replicated_driver)
    vol = replication.make(replicated_driver, mode)

    written = writer.write(vol)

    replication.assert_copies(admin, mode, vol, written)


def test_retype_through_every_mode_keeps_and_replicates_the_data(
        replicated_driver, admin):
    writer = Writer(replicated_driver)
    vol = replication.make(replicated_driver, "none")
    written = writer.write(vol)
    replication.assert_copies(admin, "none", vol, written)

    for mode in ("async", "sync", "trisync", "none"):
        replication.retype(replicated_driver, vol, mode)
        # The data written before the retype followed the volume...
        replication.assert_copies(admin, mode, vol, written)
        # ...and new writes land on every copy of the new placement.
        written = writer.write(vol, length=MIB)
        replication.assert_copies(admin, mode, vol, written)

    pod_name = "%s::%s" % (replication.POD, vol.provider_id)
    with pytest.raises(grpc.RpcError) as gone:
        admin.checksum("pure-sync", pod_name, MIB)
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND


def test_write_across_a_link_cut_reaches_the_peer_after_restore(
        make_driver, start_service):
    svc = start_service()
    api = Admin(svc)
    try:
        drv = make_driver(driver.PureISCSIDriver, svc,
                          replication_device=_devices(svc)[:1])
        writer = Writer(drv)
        vol = replication.make(drv, "sync")
        before = writer.write(vol)
        replication.assert_copies(api, "sync", vol, before)

        cut = api.cut_link("pure-primary", "pure-sync")
        assert list(cut.cut_links) == ["pure-primary|pure-sync"]
        # Acknowledged by the array that keeps serving (the mediator is reachable).
        after = writer.write(vol, length=3 * MIB)
        assert api.member(replication.POD, "pure-sync").status == "offline"
        assert api.checksum("pure-primary", vol.provider_id,
                            after[0]) == after[1]
        # The stale copy is not served while the link is down.
        with pytest.raises(grpc.RpcError) as stale:
            api.checksum("pure-sync", vol.provider_id, after[0])
        assert stale.value.code() == grpc.StatusCode.UNAVAILABLE

        api.restore_link("pure-primary", "pure-sync")
        for _ in range(60):
            if api.member(replication.POD, "pure-sync").status == "online":
                break
            api.tick()
        member = api.member(replication.POD, "pure-sync")
        assert member.status == "online" and member.in_sync

        replication.assert_copies(api, "sync", vol, after)
    finally:
        api.close()
