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
from tests import cinder_objects as objs
from tests.fake_services import FakeImageService
from tests.functional.admin import Admin

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]

MIB = 1 << 20
SPECS = {
    "none": {},
    "async": {"replication_enabled": "<is> True",
              "replication_type": "<in> async"},
    "sync": {"replication_enabled": "<is> True",
             "replication_type": "<in> sync"},
    "trisync": {"replication_enabled": "<is> True",
                "replication_type": "<in> trisync"},
}
POD = "cinder-pod"
ASYNC_GROUP = "cinder-group"
TRISYNC_GROUP = "cinder-pod::cinder-trisync"


def _devices(svc):
    return [{"backend_id": "pure-sync", "san_ip": "sim://pure-sync",
             "api_token": svc.tokens["pure-sync"], "type": "sync"},
            {"backend_id": "pure-dr", "san_ip": "sim://pure-dr",
             "api_token": svc.tokens["pure-dr"], "type": "async"}]


@pytest.fixture
def admin(service):
    api = Admin(service)
    yield api
    api.close()


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


def _make(drv, mode, size=1):
    vtype = objs.make_volume_type(extra_specs=SPECS[mode])
    vol = objs.make_volume(size=size, volume_type=vtype)
    model = drv.create_volume(vol)
    vol.provider_id = model["provider_id"]
    return vol


def _retype(drv, vol, mode):
    new_type = objs.make_volume_type(extra_specs=SPECS[mode])
    retyped, model = drv.retype(objs.admin_context(), vol, new_type, {},
                                {"host": drv.host})
    assert retyped is True
    # What Cinder's manager does with the answer.
    vol.provider_id = model["provider_id"]
    vol.replication_status = model.get("replication_status")
    vol.volume_type = new_type
    vol.volume_type_id = new_type.id
    return model


def _dr_snapshot(admin, group, source_name):
    """Ships the group now; the name of the volume's copy on pure-dr."""
    shipped = admin.replicate_now("pure-primary", group).snapshot
    number = shipped.rsplit(".", 1)[1]
    remote_group = ("pure-primary:" + group if "::" not in group
                    else group.replace("::", ":"))
    return "%s.%s.%s" % (remote_group, number, source_name)


def _assert_copies(admin, mode, vol, written):
    """The written range is byte-identical wherever mode says it lives."""
    length, digest = written
    name = vol.provider_id
    assert admin.checksum("pure-primary", name, length) == digest
    if mode in ("sync", "trisync"):
        assert name.startswith(POD + "::")
        assert admin.checksum("pure-sync", name, length) == digest
    else:
        assert "::" not in name
    if mode == "async":
        snap = _dr_snapshot(admin, ASYNC_GROUP, name)
        assert admin.checksum("pure-dr", snap, length) == digest
    if mode == "trisync":
        snap = _dr_snapshot(admin, TRISYNC_GROUP, name)
        assert admin.checksum("pure-dr", snap, length) == digest


@pytest.mark.parametrize("mode", ["sync", "async", "trisync"])
def test_each_mode_puts_the_same_bytes_on_every_copy(replicated_driver,
                                                     admin, mode):
    writer = Writer(replicated_driver)
    vol = _make(replicated_driver, mode)

    written = writer.write(vol)

    _assert_copies(admin, mode, vol, written)


def test_retype_through_every_mode_keeps_and_replicates_the_data(
        replicated_driver, admin):
    writer = Writer(replicated_driver)
    vol = _make(replicated_driver, "none")
    written = writer.write(vol)
    _assert_copies(admin, "none", vol, written)

    for mode in ("async", "sync", "trisync", "none"):
        _retype(replicated_driver, vol, mode)
        # The data written before the retype followed the volume...
        _assert_copies(admin, mode, vol, written)
        # ...and new writes land on every copy of the new placement.
        written = writer.write(vol, length=MIB)
        _assert_copies(admin, mode, vol, written)

    pod_name = "%s::%s" % (POD, vol.provider_id)
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
        vol = _make(drv, "sync")
        before = writer.write(vol)
        _assert_copies(api, "sync", vol, before)

        cut = api.cut_link("pure-primary", "pure-sync")
        assert list(cut.cut_links) == ["pure-primary|pure-sync"]
        # Acknowledged by the array that keeps serving (the mediator is reachable).
        after = writer.write(vol, length=3 * MIB)
        assert api.member(POD, "pure-sync").status == "offline"
        assert api.checksum("pure-primary", vol.provider_id,
                            after[0]) == after[1]
        # The stale copy is not served while the link is down.
        with pytest.raises(grpc.RpcError) as stale:
            api.checksum("pure-sync", vol.provider_id, after[0])
        assert stale.value.code() == grpc.StatusCode.UNAVAILABLE

        api.restore_link("pure-primary", "pure-sync")
        for _ in range(60):
            if api.member(POD, "pure-sync").status == "online":
                break
            api.tick()
        member = api.member(POD, "pure-sync")
        assert member.status == "online" and member.in_sync

        _assert_copies(api, "sync", vol, after)
    finally:
        api.close()
