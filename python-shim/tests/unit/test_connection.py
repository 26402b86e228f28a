"""Attach and detach: connector sent, connection_info shapes os-brick expects."""

from unittest import mock

import pytest

from cinder import exception

from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb

ISCSI_CONNECTOR = {"host": "compute-1", "initiator": "iqn.1993-08.org.debian:01:abc",
                   "ip": "10.0.0.9", "multipath": True, "platform": "x86_64"}
FC_CONNECTOR = {"host": "compute-1", "wwpns": ["10000090fa0d6754"],
                "wwnns": ["20000090fa0d6754"]}
NVME_CONNECTOR = {"host": "compute-1", "nqn": "nqn.2014-08.org.nvmexpress:uuid:1",
                  "system uuid": "4c4c4544-0031-3410-8051-b4c04f4a4c32"}


def _iscsi(**extra):
    return pb.InitializeConnectionResponse(connection_info=pb.ConnectionInfo(
        iscsi=pb.IscsiTarget(
            target_iqns=["iqn.2010-06.com.purestorage:flasharray.1"] * 2,
            target_portals=["10.0.0.5:3260", "10.0.0.6:3260"],
            target_luns=[1, 1], target_discovered=False, discard=True,
            addressing_mode="SAM2", wwn="3624a9370abc", **extra)))


def test_iscsi_connection_info(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("InitializeConnection", _iscsi())

    info = drv.initialize_connection(volume, ISCSI_CONNECTOR)

    req = server.service.requests("InitializeConnection")[0]
    assert req.volume.id == volume.id
    assert (req.connector.host, req.connector.initiator, req.connector.ip,
            req.connector.multipath) == ("compute-1", ISCSI_CONNECTOR[
                "initiator"], "10.0.0.9", True)
    assert info == {"driver_volume_type": "iscsi", "data": {
        "target_discovered": False, "discard": True,
        "addressing_mode": "SAM2",
        "target_iqns": ["iqn.2010-06.com.purestorage:flasharray.1"] * 2,
        "target_portals": ["10.0.0.5:3260", "10.0.0.6:3260"],
        "target_luns": [1, 1], "wwn": "3624a9370abc"}}


def test_iscsi_chap_keys_only_when_set(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver, use_chap_auth=True)
    server.service.answer("InitializeConnection", _iscsi(
        auth_method="CHAP", auth_username="compute-1",
        auth_password="s3cret"))

    data = drv.initialize_connection(volume, ISCSI_CONNECTOR)["data"]

    assert (data["auth_method"], data["auth_username"],
            data["auth_password"]) == ("CHAP", "compute-1", "s3cret")


def test_fc_connection_info_and_zoning(make_driver, server, volume):
    drv = make_driver(driver.PureFCDriver)
    targets = ["21000024ff3f5c38", "21000024ff3f5c39"]
    server.service.answer("InitializeConnection", pb.InitializeConnectionResponse(
        connection_info=pb.ConnectionInfo(fibre_channel=pb.FibreChannelTarget(
            target_wwns=targets, target_luns=[3], target_discovered=True,
            discard=True, addressing_mode="SAM2", wwn="3624a9370def",
            initiator_target_map={"10000090fa0d6754": pb.WwnList(
                wwns=targets)}))))

    with mock.patch("cinder.zonemanager.utils.add_fc_zone") as add_zone:
        info = drv.initialize_connection(volume, FC_CONNECTOR)

    req = server.service.requests("InitializeConnection")[0]
    assert list(req.connector.wwpns) == FC_CONNECTOR["wwpns"]
    assert list(req.connector.wwnns) == FC_CONNECTOR["wwnns"]
    assert info == {"driver_volume_type": "fibre_channel", "data": {
        "target_discovered": True, "target_lun": 3, "target_luns": [3],
        "target_wwn": targets, "target_wwns": targets,
        "initiator_target_map": {"10000090fa0d6754": targets},
        "discard": True, "addressing_mode": "SAM2", "wwn": "3624a9370def"}}
    add_zone.assert_called_once_with(info)


def test_fc_terminate_returns_zones_to_remove(make_driver, server, volume):
    drv = make_driver(driver.PureFCDriver)
    server.service.answer("TerminateConnection", pb.TerminateConnectionResponse(
        connection_info=pb.ConnectionInfo(fibre_channel=pb.FibreChannelTarget(
            target_wwns=["21000024ff3f5c38"],
            initiator_target_map={"10000090fa0d6754": pb.WwnList(
                wwns=["21000024ff3f5c38"])}))))
    server.service.answer("TerminateConnection",
                          pb.TerminateConnectionResponse())

    with mock.patch("cinder.zonemanager.utils.remove_fc_zone") as rm_zone:
        last = drv.terminate_connection(volume, FC_CONNECTOR)
        still_used = drv.terminate_connection(volume, FC_CONNECTOR)

    assert last == {"driver_volume_type": "fibre_channel", "data": {
        "target_wwn": ["21000024ff3f5c38"],
        "initiator_target_map": {"10000090fa0d6754": ["21000024ff3f5c38"]}}}
    assert still_used == {"driver_volume_type": "fibre_channel", "data": {}}
    assert rm_zone.call_args_list == [mock.call(last), mock.call(still_used)]


def test_nvme_connection_info(make_driver, server, volume):
    drv = make_driver(driver.PureNVMEDriver, pure_nvme_transport="tcp")
    server.service.answer("InitializeConnection", pb.InitializeConnectionResponse(
        connection_info=pb.ConnectionInfo(nvmeof=pb.NvmeofTarget(
            target_nqn="nqn.2010-06.com.purestorage:flasharray.1",
            portals=[pb.NvmePortal(address="10.0.1.5", port=4420,
                                   transport="tcp"),
                     pb.NvmePortal(address="10.0.1.6", port=4420,
                                   transport="tcp")],
            volume_nguid="00abc24a937def", discard=True))))

    info = drv.initialize_connection(volume, NVME_CONNECTOR)

    req = server.service.requests("InitializeConnection")[0]
    assert req.connector.nqn == NVME_CONNECTOR["nqn"]
    assert req.connector.system_uuid == NVME_CONNECTOR["system uuid"]
    assert info == {"driver_volume_type": "nvmeof", "data": {
        "target_nqn": "nqn.2010-06.com.purestorage:flasharray.1",
        "portals": [("10.0.1.5", 4420, "tcp"), ("10.0.1.6", 4420, "tcp")],
        "volume_nguid": "00abc24a937def", "discard": True}}


@pytest.mark.parametrize("driver_cls", [driver.PureISCSIDriver,
                                        driver.PureNVMEDriver])
def test_terminate_with_connector(make_driver, server, volume, driver_cls):
    drv = make_driver(driver_cls)

    assert drv.terminate_connection(volume, ISCSI_CONNECTOR) is None

    req = server.service.requests("TerminateConnection")[0]
    assert req.HasField("connector")
    assert req.connector.host == "compute-1"


@pytest.mark.parametrize("driver_cls", [driver.PureISCSIDriver,
                                        driver.PureFCDriver,
                                        driver.PureNVMEDriver])
def test_force_detach_sends_no_connector(make_driver, server, volume,
                                         driver_cls):
    drv = make_driver(driver_cls)

    drv.terminate_connection(volume, None)

    req = server.service.requests("TerminateConnection")[0]
    assert not req.HasField("connector")
    assert req.volume.id == volume.id


def test_wrong_target_kind_is_a_driver_error(make_driver, server, volume):
    drv = make_driver(driver.PureISCSIDriver)
    server.service.answer("InitializeConnection", pb.InitializeConnectionResponse(
        connection_info=pb.ConnectionInfo(nvmeof=pb.NvmeofTarget())))

    with pytest.raises(exception.VolumeDriverException, match=volume.id):
        drv.initialize_connection(volume, ISCSI_CONNECTOR)
