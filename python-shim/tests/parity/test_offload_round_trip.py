"""Snapshot offload round trip through purebridge's driver, with Cinder's own objects and bytes.

Unlike test_offload.py, the service here runs its embedded S3 server ([s3] enabled = true), so it
has the offload target offload-s3, as `make run` and the DevStack plugin give an operator. With
volume types and metadata from a real Cinder database, the driver:

- creates a volume of an offload type, and bytes are written to it on the array;
- creates a Cinder snapshot, offloaded before the call returns (by the type, or on demand through
  the snapshot's purebridge:offload metadata on a plain type);
- the offload target lists it (OffloadAdminService, what `purebridge-admin offload list` reads);
- the array snapshot is deleted and eradicated; a volume from the Cinder snapshot falls back to the
  offloaded copy, and a volume with purebridge:restore_from metadata is restored from the bucket,
  on the primary and, through a second backend, on the DR array: the bytes are those written.

Over REST (the service speaking FlashArray REST 2.x, as to a real array) the service cannot read
the array's snapshots, so the array offloads them, as a FlashArray does: the type's protection
group gets the target as one of its targets, and the array sends the group's snapshots on its
schedule (the sending is tested in the service's ArrayOffloadOverRestTest). A Cinder snapshot
asked for on demand is sent by the array too: copied into a transient volume that the array
snapshots on the target, so the copy holds the snapshot as taken; a retention is refused there, as
a FlashArray keeps such a copy until deleted. A restore works there as on a real FlashArray: the
array, connected to the same target, restores from the bucket itself.

The vendor's client itself can take a volume snapshot on the target, wait for its transfer to
complete, restore it on another array, then destroy and eradicate it (POST, PATCH and DELETE
/remote-volume-snapshots).
"""

import hashlib
import random
import shutil
import tempfile
import time

import grpc
import pytest

from cinder import exception
from cinder import objects
from pypureclient import flasharray

from purebridge import client as pb_client
from purebridge.v1 import array_admin_pb2 as admin_pb
from purebridge.v1 import offload_admin_pb2 as offload_pb
from purebridge.v1 import offload_admin_pb2_grpc as offload_grpc
from tests.functional.admin import Admin
from tests.service import running_service

pytestmark = [pytest.mark.functional, pytest.mark.timeout(300)]

TARGET = "offload-s3"
GIB = 1 << 30
MIB = 1 << 20
# Two written regions, one past the first offload pack: what a restore must bring back in place.
REGIONS = ((0, 1 * MIB), (40 * MIB, 1 * MIB))
SPAN = REGIONS[-1][0] + REGIONS[-1][1]
SIM_ONLY = pytest.mark.parametrize("make_driver", ["sim"], indirect=True)


@pytest.fixture(scope="module")
def service():
    """The parity drivers' service, here with its embedded S3 server: target offload-s3."""
    path = tempfile.mkdtemp(prefix="pbo-")
    try:
        with running_service("pbo-", path, s3=True) as svc:
            assert TARGET in svc.offload_targets, svc.output
            yield svc
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def data(service):
    api = Admin(service)
    yield api
    api.close()


@pytest.fixture(scope="module")
def offload_admin(service):
    channel = grpc.insecure_channel(pb_client.channel_target(service.endpoint))
    yield offload_grpc.OffloadAdminServiceStub(channel), [
        admin_pb.ArrayAccess(array=a, api_token=t) for a, t in sorted(service.tokens.items())]
    channel.close()


def _offloaded(offload_admin):
    stub, access = offload_admin
    return {s.name: s for s in stub.ListOffloadedSnapshots(
        offload_pb.ListOffloadedSnapshotsRequest(access=access, target=TARGET), timeout=60).snapshots}


def _await_sent(client, name, timeout=60):
    """The transfer of `name` to TARGET once completed, read with the vendor's client."""
    deadline = time.monotonic() + timeout
    while True:
        transfer = client.get_remote_volume_snapshots_transfer(on=[TARGET], names=[name])
        if isinstance(transfer, flasharray.ValidResponse):
            sent = list(transfer.items)[0]
            if getattr(sent, "completed", None):  # the client's models leave a null field unset
                return sent
        assert time.monotonic() < deadline, "%s not sent within %s s: %s" % (name, timeout, transfer)
        time.sleep(0.05)


def _write_pattern(data, array, volume, seed):
    """Writes REGIONS of seeded random bytes; returns the SHA-256 the volume's first SPAN bytes
    then have."""
    rnd = random.Random(seed)
    image = bytearray(SPAN)
    for offset, length in REGIONS:
        chunk = rnd.randbytes(length)
        assert data.write(array, volume, offset, chunk) == length
        image[offset:offset + length] = chunk
    return hashlib.sha256(bytes(image)).hexdigest()


def _volume(cinder_db, drv, vtype, size=1, **fields):
    """A new volume row on the driver's backend, not yet created by the driver."""
    vol = objects.Volume(cinder_db, size=size, volume_type_id=vtype["id"],
                         host=drv.host + "#" + drv._backend_name(), status="creating",
                         project_id="project-1", user_id="user-1", attach_status="detached",
                         **fields)
    vol.create()
    return objects.Volume.get_by_id(cinder_db, vol.id)


def _created(vol, update):
    vol.update(update or {})
    vol.status = "available"
    vol.save()
    return vol


def _drop_array_snapshot(drv, array_name, snap, data):
    """Deletes the Cinder snapshot's array snapshot (eradicated: pure_eradicate_on_delete)."""
    drv.delete_snapshot(snap)
    name = "%s.snapshot-%s" % (snap.volume.provider_id, snap.id)
    with pytest.raises(grpc.RpcError) as gone:
        data.checksum(array_name, name, MIB)
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND, gone.value


@SIM_ONLY
def test_a_volume_of_an_offload_type_comes_back_from_the_bucket_after_its_snapshot_is_gone(
        make_driver, make_type, new_volume, new_snapshot, cinder_db, service, data, offload_admin):
    drv = make_driver(pure_eradicate_on_delete=True)
    vtype = make_type(specs={"volume_backend_name": drv._backend_name(),
                             "purebridge:offload_target": TARGET,
                             "purebridge:offload_frequency": "3600",
                             "purebridge:offload_retention": "3"})
    vol = new_volume(drv, vtype)
    digest = _write_pattern(data, "pure-primary", vol.provider_id, seed=1)

    snap = new_snapshot(drv, vol)
    offloaded = snap.metadata["offloaded_snapshot"]
    assert offloaded == "pure-primary:%s.snapshot-%s" % (vol.provider_id, snap.id)
    assert snap.metadata["offload_target"] == TARGET
    assert snap.metadata["offload_expires"]
    listed = _offloaded(offload_admin)
    assert offloaded in listed, sorted(listed)
    assert listed[offloaded].source_volume == vol.provider_id
    assert listed[offloaded].size_bytes == GIB

    _drop_array_snapshot(drv, "pure-primary", snap, data)
    snap = objects.Snapshot.get_by_id(cinder_db, snap.id)

    # From the Cinder snapshot: its array snapshot is gone, the offloaded copy is the source.
    from_snap = _volume(cinder_db, drv, vtype, size=2)
    update = drv.create_volume_from_snapshot(from_snap, snap)
    from_snap = _created(from_snap, update)
    assert from_snap.metadata.get("restored_from") == "%s/%s" % (TARGET, offloaded), \
        from_snap.metadata
    assert data.checksum("pure-primary", from_snap.provider_id, SPAN) == digest
    # Grown to the 2 GiB Cinder asked for: the bytes past the snapshot's end read as zeros.
    past_end = data.data.ChecksumData(admin_pb.ChecksumDataRequest(
        access=data.access("pure-primary")[0], object=from_snap.provider_id,
        offset_bytes=GIB, length_bytes=MIB), timeout=60).sha256_hex
    assert past_end == hashlib.sha256(bytes(MIB)).hexdigest()

    # From the bucket by name, on the primary: purebridge:restore_from (the type names the target).
    restored = new_volume(drv, vtype, metadata={"purebridge:restore_from": offloaded})
    assert restored.metadata.get("restored_from") == "%s/%s" % (TARGET, offloaded)
    assert data.checksum("pure-primary", restored.provider_id, SPAN) == digest

    # On the DR array, through a second backend whose san_ip is pure-dr, from the same bucket.
    dr = make_driver(san_ip="sim://pure-dr", pure_api_token=service.tokens["pure-dr"])
    on_dr = new_volume(dr, make_type(specs={"volume_backend_name": dr._backend_name()}),
                       metadata={"purebridge:restore_from": offloaded,
                                 "purebridge:restore_target": TARGET})
    assert data.checksum("pure-dr", on_dr.provider_id, SPAN) == digest

    for volume, backend in ((from_snap, drv), (restored, drv), (on_dr, dr), (vol, drv)):
        backend.delete_volume(volume)
    # The copy outlives the snapshot and its volume, until its retention ends.
    assert offloaded in _offloaded(offload_admin)


@SIM_ONLY
def test_a_snapshot_asked_to_be_offloaded_on_a_plain_type_restores_its_bytes(
        make_driver, make_type, new_volume, new_snapshot, cinder_db, data, offload_admin):
    drv = make_driver(pure_eradicate_on_delete=True)
    vtype = make_type(specs={"volume_backend_name": drv._backend_name()})
    vol = new_volume(drv, vtype)
    digest = _write_pattern(data, "pure-primary", vol.provider_id, seed=2)

    snap = new_snapshot(drv, vol, metadata={"purebridge:offload": TARGET,
                                            "purebridge:offload_retention": "2"})
    offloaded = snap.metadata["offloaded_snapshot"]
    assert offloaded in _offloaded(offload_admin)
    # After the snapshot, the volume changes: the copy keeps the snapshot's bytes.
    _write_pattern(data, "pure-primary", vol.provider_id, seed=3)

    _drop_array_snapshot(drv, "pure-primary", snap, data)
    from_snap = _volume(cinder_db, drv, vtype)
    from_snap = _created(from_snap, drv.create_volume_from_snapshot(
        from_snap, objects.Snapshot.get_by_id(cinder_db, snap.id)))
    assert data.checksum("pure-primary", from_snap.provider_id, SPAN) == digest

    # One target: restore_from needs no restore_target, even on a plain type.
    restored = new_volume(drv, vtype, metadata={"purebridge:restore_from": offloaded})
    assert data.checksum("pure-primary", restored.provider_id, SPAN) == digest
    for volume in (from_snap, restored, vol):
        drv.delete_volume(volume)


@pytest.mark.parametrize("make_driver", ["rest"], indirect=True)
def test_over_rest_the_array_offloads_the_types_group_and_a_snapshot_asked_for(
        service, make_driver, make_type, new_volume, new_snapshot, cinder_db, data, offload_admin):
    drv = make_driver()
    vol = new_volume(drv, make_type(specs={"volume_backend_name": drv._backend_name(),
                                           "purebridge:offload_target": TARGET}))
    client = flasharray.Client(target=service.rest["pure-primary"].san_ip,
                               api_token=service.tokens["pure-primary"], verify_ssl=False)
    try:
        targets = list(client.get_protection_groups_targets().items)
        groups = [t.group.name for t in targets if t.member.name == TARGET]
        assert len(groups) == 1 and groups[0].startswith("cinder-offload-"), targets
        members = client.get_protection_groups_volumes(group_names=groups).items
        assert "volume-%s-cinder" % vol.id in [m.member.name for m in members]
    finally:
        client._token_man.close_session()
    assert drv.get_volume_stats(refresh=True)["offload_targets"] == TARGET
    drv.delete_volume(vol)

    plain_type = make_type(specs={"volume_backend_name": drv._backend_name()})
    plain = new_volume(drv, plain_type)
    digest = _write_pattern(data, "pure-primary", plain.provider_id, seed=4)
    # A FlashArray keeps what it sends on demand until deleted: a retention is refused, nothing made.
    with pytest.raises(exception.InvalidInput, match="purebridge:offload_retention"):
        new_snapshot(drv, plain, metadata={"purebridge:offload": TARGET,
                                           "purebridge:offload_retention": "2"})
    snap = new_snapshot(drv, plain, metadata={"purebridge:offload": TARGET})
    offloaded = snap.metadata["offloaded_snapshot"]
    assert offloaded.startswith("pure-primary:%s-" % plain.provider_id), offloaded
    assert offloaded.endswith(".snapshot-%s" % snap.id), offloaded
    assert "offload_expires" not in snap.metadata
    assert offloaded in _offloaded(offload_admin)
    # After the snapshot, the volume changes: the array sent the snapshot as taken.
    _write_pattern(data, "pure-primary", plain.provider_id, seed=5)
    restored = new_volume(drv, plain_type, metadata={"purebridge:restore_from": offloaded})
    assert data.checksum("pure-primary", restored.provider_id, SPAN) == digest
    drv.delete_snapshot(snap)
    for volume in (restored, plain):
        drv.delete_volume(volume)


@pytest.mark.parametrize("make_driver", ["rest"], indirect=True)
def test_over_rest_the_array_restores_an_offloaded_snapshot_from_the_bucket_itself(
        make_driver, make_type, new_volume, new_snapshot, service, data):
    # Offloaded from pure-primary by a sim:// backend (the service reads that array's snapshots).
    sim = make_driver(san_ip="sim://pure-primary")
    vol = new_volume(sim, make_type(specs={"volume_backend_name": sim._backend_name()}))
    digest = _write_pattern(data, "pure-primary", vol.provider_id, seed=5)
    snap = new_snapshot(sim, vol, metadata={"purebridge:offload": TARGET,
                                            "purebridge:offload_retention": "2"})
    offloaded = snap.metadata["offloaded_snapshot"]

    # Restored on pure-dr, reached only over its REST front end: the service sends it no data.
    dr_endpoint = service.rest["pure-dr"]
    dr = make_driver(san_ip=dr_endpoint.san_ip, pure_api_token=service.tokens["pure-dr"],
                     driver_ssl_cert_path=dr_endpoint.ca_bundle)
    restored = new_volume(dr, make_type(specs={"volume_backend_name": dr._backend_name()}), size=2,
                          metadata={"purebridge:restore_from": offloaded})
    assert restored.metadata.get("restored_from") == "%s/%s" % (TARGET, offloaded), restored.metadata
    assert data.checksum("pure-dr", restored.provider_id, SPAN) == digest
    dr.delete_volume(restored)
    sim.delete_volume(vol)


def test_the_vendors_client_takes_a_snapshot_on_the_target_restores_it_and_eradicates_it(
        service, data, offload_admin):
    # What py-pure-client (and tools built on it) send: a volume snapshot taken "on" the offload
    # target, answered once it is there; then destroy (PATCH) and eradicate (DELETE).
    primary = flasharray.Client(target=service.rest["pure-primary"].san_ip,
                                api_token=service.tokens["pure-primary"], verify_ssl=False)
    dr = flasharray.Client(target=service.rest["pure-dr"].san_ip,
                           api_token=service.tokens["pure-dr"], verify_ssl=False)
    try:
        assert isinstance(primary.post_volumes(names=["od-vol"], volume=flasharray.VolumePost(
            provisioned=GIB)), flasharray.ValidResponse)
        digest = _write_pattern(data, "pure-primary", "od-vol", seed=7)

        taken = primary.post_remote_volume_snapshots(
            source_names=["od-vol"], on=TARGET,
            remote_volume_snapshot=flasharray.RemoteVolumeSnapshotPost(suffix="od1"))
        assert isinstance(taken, flasharray.ValidResponse), taken
        offloaded = list(taken.items)[0].name
        assert offloaded == "pure-primary:od-vol.od1"
        # Answered once the send began, as a FlashArray answers: its transfer says when it is done.
        sent = _await_sent(primary, offloaded)
        assert sent.progress == 1.0, sent
        assert offloaded in _offloaded(offload_admin)
        local = primary.get_volume_snapshots(source_names=["od-vol"])
        assert not list(local.items), "the snapshot lives on the target only"
        _write_pattern(data, "pure-primary", "od-vol", seed=8)

        restored = dr.post_volumes(names=["od-copy"], volume=flasharray.VolumePost(
            source=flasharray.Reference(name=offloaded)))
        assert isinstance(restored, flasharray.ValidResponse), restored
        assert data.checksum("pure-dr", "od-copy", SPAN) == digest

        destroyed = primary.patch_remote_volume_snapshots(
            names=[offloaded], on=TARGET,
            remote_volume_snapshot=flasharray.DestroyedPatchPost(destroyed=True))
        assert isinstance(destroyed, flasharray.ValidResponse), destroyed
        eradicated = primary.delete_remote_volume_snapshots(names=[offloaded], on=TARGET)
        assert isinstance(eradicated, flasharray.ValidResponse), eradicated
        assert offloaded not in _offloaded(offload_admin)
        listed = primary.get_remote_volume_snapshots(on=[TARGET])
        assert offloaded not in [s.name for s in listed.items]
    finally:
        primary._token_man.close_session()
        dr._token_man.close_session()
