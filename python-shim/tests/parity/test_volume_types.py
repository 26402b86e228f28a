"""QoS from volume types, volume groups from extra specs and host personality, through
purebridge's driver on both paths, checked on the array with py-pure-client."""

import pytest

from cinder import exception
from cinder import objects
from cinder.volume import volume_types

from tests.parity.conftest import MIB
from tests.parity.conftest import ok
from tests.parity.conftest import volume_on

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]

CONNECTOR = {"host": "compute-7", "ip": "10.0.0.7", "multipath": True,
             "initiator": "iqn.1993-08.org.debian:01:compute-7"}


def limits(array, name):
    qos = getattr(volume_on(array, name), "qos", None)
    return (getattr(qos, "iops_limit", None),
            getattr(qos, "bandwidth_limit", None))


def test_qos_on_create_clone_from_snapshot_extend_and_retype(
        driver, array, make_type, new_volume, new_snapshot, cinder_db):
    fixed = make_type(qos={"maxIOPS": "5000", "maxBWS": "200"})
    per_gb = make_type(qos={"maxIOPS_per_GB": "300", "maxBWS_per_GB": "2"})
    in_specs = make_type(specs={"maxIOPS": "700"})

    vol = new_volume(driver, fixed)
    assert limits(array, vol.provider_id) == (5000, 200 * MIB)

    clone = new_volume(driver, in_specs, size=2,
                       create=lambda v: driver.create_cloned_volume(v, vol))
    assert limits(array, clone.provider_id)[0] == 700

    snap = new_snapshot(driver, vol)
    from_snap = new_volume(
        driver, per_gb, size=3,
        create=lambda v: driver.create_volume_from_snapshot(v, snap))
    assert limits(array, from_snap.provider_id) == (900, 6 * MIB)

    # Per-GB limits follow the size (upstream multiplies by bytes here).
    driver.extend_volume(from_snap, 5)
    assert limits(array, from_snap.provider_id) == (1500, 10 * MIB)

    # Retype as Cinder's manager calls it: the new type as a dict.
    new_type = volume_types.get_volume_type(cinder_db, per_gb["id"])
    assert driver.retype(cinder_db, vol, new_type, {}, None)[0] is True
    assert limits(array, vol.provider_id) == (300, 2 * MIB)


@pytest.mark.parametrize("qos, key", [
    ({"maxIOPS": "-1"}, "maxIOPS"),
    ({"maxBWS_per_GB": "-3"}, "maxBWS_per_GB"),
    ({"total_iops_sec": "500"}, "total_iops_sec"),
    ({"minIOPS": "100"}, "minIOPS"),
])
def test_a_bad_qos_spec_names_the_key_and_creates_nothing(
        driver, array, make_type, cinder_db, qos, key):
    vtype = make_type(qos=qos)
    vol = objects.Volume(cinder_db, size=1, volume_type_id=vtype["id"],
                         status="creating", project_id="p", user_id="u")
    vol.create()
    vol = objects.Volume.get_by_id(cinder_db, vol.id)
    with pytest.raises(exception.InvalidQoSSpecs) as caught:
        driver.create_volume(vol)
    assert key in str(caught.value)
    assert volume_on(array, "volume-%s-cinder" % vol.id) is None


def test_front_end_qos_is_novas(driver, array, make_type, new_volume):
    vtype = make_type(qos={"read_iops_sec": "500"}, consumer="front-end")
    vol = new_volume(driver, vtype)
    assert limits(array, vol.provider_id) == (None, None)


def test_volume_group_types_place_volumes_in_the_group_with_its_qos(
        driver, array, make_type, new_volume, new_snapshot, cinder_db):
    group = "vg-%s" % make_type()["id"][:8]
    vtype = make_type(specs={"flasharray:vg_name": group,
                             "flasharray:vg_maxIOPS": "10000",
                             "flasharray:vg_maxBWS": str(300 * MIB)})
    vol = new_volume(driver, vtype)
    assert vol.provider_id == "%s/volume-%s-cinder" % (group, vol.id)
    vg = ok(array.get_volume_groups(names=[group]))[0]
    assert (vg.qos.iops_limit, vg.qos.bandwidth_limit) == (10000, 300 * MIB)
    assert volume_on(array, vol.provider_id).volume_group.name == group

    snap = new_snapshot(driver, vol)
    from_snap = new_volume(
        driver, vtype,
        create=lambda v: driver.create_volume_from_snapshot(v, snap))
    assert from_snap.provider_id.startswith(group + "/")
    assert ok(array.get_volume_groups(names=[group]))[0].volume_count == 2

    driver.delete_snapshot(snap)
    driver.delete_volume(vol)
    driver.delete_volume(from_snap)
    assert ok(array.get_volume_groups(names=[group]))[0].destroyed is True


def test_a_bad_volume_group_spec_names_the_key(driver, make_type, cinder_db,
                                                array):
    vtype = make_type(specs={"flasharray:vg_name": "vg-sync",
                             "flasharray:vg_maxIOPS": "50"})
    vol = objects.Volume(cinder_db, size=1, volume_type_id=vtype["id"],
                         status="creating", project_id="p", user_id="u")
    vol.create()
    vol = objects.Volume.get_by_id(cinder_db, vol.id)
    with pytest.raises(exception.InvalidQoSSpecs) as caught:
        driver.create_volume(vol)
    assert "flasharray:vg_maxIOPS" in str(caught.value)
    assert array.get_volume_groups(names=["vg-sync"]).status_code != 200


def test_host_personality_on_host_create_and_attach(
        make_driver, array, make_type, new_volume):
    plain = make_driver()
    vol = new_volume(plain, make_type())
    plain.initialize_connection(vol, CONNECTOR)
    host = [h for h in ok(array.get_hosts())
            if CONNECTOR["initiator"] in h.iqns][0]
    assert getattr(host, "personality", None) in (None, "")

    esxi = make_driver(pure_host_personality="esxi")
    esxi.initialize_connection(vol, CONNECTOR)
    assert ok(array.get_hosts(names=[host.name]))[0].personality == "esxi"
    esxi.terminate_connection(vol, CONNECTOR)
    assert array.get_hosts(names=[host.name]).status_code != 200

    esxi.initialize_connection(vol, CONNECTOR)
    again = [h for h in ok(array.get_hosts())
             if CONNECTOR["initiator"] in h.iqns][0]
    assert again.personality == "esxi"
    esxi.terminate_connection(vol, CONNECTOR)
