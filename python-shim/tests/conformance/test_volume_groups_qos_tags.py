"""Volume QoS, volume groups and volume tags through py-pure-client, the
way the upstream Cinder Pure driver calls them (create_with_qos, set_qos
with _build_qos_patch's QosPatch models, create_in_vgroup with
_create_volume_group_if_not_exist, _delete_vgroup_if_empty, _tag_volume
and _untag_volume), against the service's REST 2.x front end.
"""

import pytest

from pypureclient import flasharray

from tests.conformance.test_py_pure_client import create_volume
from tests.conformance.test_py_pure_client import error
from tests.conformance.test_py_pure_client import GIB
from tests.conformance.test_py_pure_client import ok
from tests.conformance.test_py_pure_client import unique

pytestmark = pytest.mark.conformance

MAX_IOPS = 100000000
MAX_BWS = 549755813888
TAG_NAMESPACE = "openstack-integration.purestorage.com"


def qos_patch(iops_limit, bandwidth_limit):
    # What upstream's _build_qos_patch sends (REST 2.52 models, py-pure-client >= 1.86).
    return flasharray.QosPatch(
        iops_limit=flasharray.QosIopsLimitPatch(iops_limit),
        bandwidth_limit=flasharray.QosBandwidthLimitPatch(bandwidth_limit))


def volume(client, name):
    return ok(client.get_volumes(names=[name]))[0]


def create_vgroup_if_not_exist(client, vgname, iops, bws):
    """upstream _create_volume_group_if_not_exist, step by step."""
    res = client.post_volume_groups(
        names=[vgname],
        volume_group=flasharray.VolumeGroupPost(
            qos=flasharray.Qos(bandwidth_limit=bws, iops_limit=iops)))
    if res.status_code == 400:
        if "already exists" in res.errors[0].message:
            ok(client.patch_volume_groups(
                names=[vgname],
                volume_group=flasharray.VolumeGroupPatch(
                    qos=qos_patch(iops_limit=iops, bandwidth_limit=bws))))
            return "patched"
        assert list(client.get_volume_groups(names=[vgname]).items)[0].destroyed
        ok(client.delete_volume_groups(names=[vgname]))
        return create_vgroup_if_not_exist(client, vgname, iops, bws)
    ok(res)
    return "created"


def delete_vgroup_if_empty(client, vgroup, eradicate):
    """upstream _delete_vgroup_if_empty."""
    count = list(client.get_volume_groups(names=[vgroup]).items)[0].volume_count
    if count == 0:
        ok(client.patch_volume_groups(
            names=[vgroup],
            volume_group=flasharray.VolumeGroupPatch(destroyed=True)))
        if eradicate:
            ok(client.delete_volume_groups(names=[vgroup]))
    return count


# -- QoS ---------------------------------------------------------------------

def test_create_with_qos_then_set_qos_and_reset_to_the_maximums(client):
    name = unique("qos")
    ok(client.post_volumes(
        names=[name],
        volume=flasharray.VolumePost(
            provisioned=GIB, qos=flasharray.Qos(iops_limit=1000))))
    qos = volume(client, name).qos
    assert qos.iops_limit == 1000
    assert getattr(qos, "bandwidth_limit", None) is None

    ok(client.patch_volumes(
        names=[name],
        volume=flasharray.VolumePatch(
            qos=qos_patch(iops_limit=2000, bandwidth_limit=10 * 1024 ** 2))))
    qos = volume(client, name).qos
    assert (qos.iops_limit, qos.bandwidth_limit) == (2000, 10 * 1024 ** 2)

    # Upstream "clears" QoS by setting both maximums.
    ok(client.patch_volumes(
        names=[name],
        volume=flasharray.VolumePatch(
            qos=qos_patch(iops_limit=MAX_IOPS, bandwidth_limit=MAX_BWS))))
    qos = volume(client, name).qos
    assert (qos.iops_limit, qos.bandwidth_limit) == (MAX_IOPS, MAX_BWS)

    # "" removes a limit.
    ok(client.patch_volumes(
        names=[name],
        volume=flasharray.VolumePatch(
            qos=qos_patch(iops_limit="", bandwidth_limit=""))))
    assert getattr(volume(client, name), "qos", None) is None


def test_volume_without_qos_lists_none(client):
    name = create_volume(client)
    assert getattr(volume(client, name), "qos", None) is None


def test_out_of_range_qos_is_400_and_changes_nothing(client):
    # The SDK's models refuse these values themselves; construct() skips
    # that check so the request reaches the array, as from an older client.
    name = unique("qosbad")
    error(client.post_volumes(
        names=[name],
        volume=flasharray.VolumePost(
            provisioned=GIB, qos=flasharray.Qos.construct(iops_limit=99))),
        400, "iops_limit")
    error(client.get_volumes(names=[name]), 400, "does not exist")

    existing = create_volume(client)
    error(client.patch_volumes(
        names=[existing],
        volume=flasharray.VolumePatch.construct(
            qos=flasharray.Qos.construct(bandwidth_limit=MAX_BWS + 1))),
        400, "bandwidth_limit")
    assert getattr(volume(client, existing), "qos", None) is None


# -- volume groups -------------------------------------------------------------

def test_create_in_vgroup_then_delete_the_empty_group(client):
    vg = unique("vg")
    assert create_vgroup_if_not_exist(client, vg, 1000, 100 * 1024 ** 2) == "created"
    # A second volume type using the same group: "already exists" -> PATCH qos.
    assert create_vgroup_if_not_exist(client, vg, 2000, 200 * 1024 ** 2) == "patched"
    group = ok(client.get_volume_groups(names=[vg]))[0]
    assert (group.qos.iops_limit, group.qos.bandwidth_limit) == (2000, 200 * 1024 ** 2)

    vol = "%s/%s" % (vg, unique("volume"))
    created = ok(client.post_volumes(
        names=[vol], volume=flasharray.VolumePost(provisioned=GIB)))[0]
    assert created.name == vol
    assert created.volume_group.name == vg
    assert ok(client.get_volume_groups(names=[vg]))[0].volume_count == 1
    # Not empty: upstream leaves it alone.
    assert delete_vgroup_if_empty(client, vg, eradicate=True) == 1

    # delete_volume: destroy (and eradicate), then the group goes.
    ok(client.patch_volumes(names=[vol],
                            volume=flasharray.VolumePatch(destroyed=True)))
    ok(client.delete_volumes(names=[vol]))
    assert delete_vgroup_if_empty(client, vg, eradicate=True) == 0
    error(client.get_volume_groups(names=[vg]), 400, "does not exist")


def test_destroyed_group_is_recreated_after_eradication(client):
    vg = unique("vgd")
    create_vgroup_if_not_exist(client, vg, 500, 50 * 1024 ** 2)
    delete_vgroup_if_empty(client, vg, eradicate=False)
    group = ok(client.get_volume_groups(names=[vg]))[0]
    assert group.destroyed is True
    assert group.time_remaining > 0
    # POST on a destroyed group must not say "already exists", or upstream
    # would PATCH it instead of eradicating and recreating it.
    res = client.post_volume_groups(
        names=[vg],
        volume_group=flasharray.VolumeGroupPost(
            qos=flasharray.Qos(bandwidth_limit=50 * 1024 ** 2, iops_limit=500)))
    err = error(res, 400, "has been destroyed")
    assert "already exists" not in err.message
    assert create_vgroup_if_not_exist(client, vg, 500, 50 * 1024 ** 2) == "created"
    assert ok(client.get_volume_groups(names=[vg]))[0].destroyed is False


def test_create_from_snapshot_in_vgroup_and_vgroup_moves(client):
    vg = unique("vgs")
    create_vgroup_if_not_exist(client, vg, 100, 1024 ** 2)
    source = create_volume(client)
    ok(client.post_volume_snapshots(
        source_names=[source],
        volume_snapshot=flasharray.VolumeSnapshotPost(suffix="s1")))
    clone = "%s/%s" % (vg, unique("clone"))
    ok(client.post_volumes(
        names=[clone],
        volume=flasharray.VolumePost(
            source=flasharray.Reference(name=source + ".s1"))))
    assert volume(client, clone).volume_group.name == vg

    # retype: out of the group and back in.
    moved = ok(client.patch_volumes(
        names=[clone],
        volume=flasharray.VolumePatch(
            volume_group=flasharray.Reference(name=""))))[0]
    assert moved.name == clone.split("/", 1)[1]
    back = ok(client.patch_volumes(
        names=[moved.name],
        volume=flasharray.VolumePatch(
            volume_group=flasharray.Reference(name=vg))))[0]
    assert back.name == clone


def test_volume_in_a_missing_group_is_400(client):
    error(client.post_volumes(
        names=["%s/v" % unique("nogroup")],
        volume=flasharray.VolumePost(provisioned=GIB)),
        400, "does not exist")


# -- tags --------------------------------------------------------------------

def tag(client, name, pairs):
    """upstream _tag_volume: one TagBatch per key, copyable=False."""
    tags = [flasharray.TagBatch(key=k, value=v, namespace=TAG_NAMESPACE,
                                copyable=False)
            for k, v in pairs]
    return client.put_volumes_tags_batch(tag=tags, resource_names=[name])


def tags_of(client, name):
    return {t.key: getattr(t, "value", None)
            for t in ok(client.get_volumes_tags(resource_names=[name],
                                                namespaces=[TAG_NAMESPACE]))}


def test_tag_and_untag_volume(client):
    name = create_volume(client)
    ok(tag(client, name, [("ProjectId", "proj-1"), ("VolType", "Data"),
                          ("DataStoreType", "Direct Access")]))
    # attach: the instance tag joins, the rest is re-put.
    ok(tag(client, name, [("VmId", "vm-1"), ("DataStoreType", "Direct Access")]))
    assert tags_of(client, name) == {
        "ProjectId": "proj-1", "VolType": "Data",
        "DataStoreType": "Direct Access", "VmId": "vm-1"}
    listed = ok(client.get_volumes_tags(resource_names=[name]))
    assert {t.resource.name for t in listed} == {name}
    assert all(t.copyable is False for t in listed)

    # unmanage: every tag in the namespace goes.
    ok(client.delete_volumes_tags(namespaces=[TAG_NAMESPACE],
                                  resource_names=[name]))
    assert tags_of(client, name) == {}


def test_tags_follow_a_rename_and_go_with_eradication(client):
    name = create_volume(client)
    ok(tag(client, name, [("DataStoreType", "Direct Access")]))
    renamed = name + "-unmanaged"
    ok(client.patch_volumes(names=[name],
                            volume=flasharray.VolumePatch(name=renamed)))
    assert tags_of(client, renamed) == {"DataStoreType": "Direct Access"}
    ok(client.patch_volumes(names=[renamed],
                            volume=flasharray.VolumePatch(destroyed=True)))
    ok(client.delete_volumes(names=[renamed]))
    error(client.get_volumes_tags(resource_names=[renamed]), 400,
          "does not exist")


def test_tagging_a_missing_volume_is_400(client):
    error(tag(client, unique("missing"), [("VmId", "vm-1")]), 400,
          "does not exist")
