"""do_setup: what the shim sends to RegisterBackend."""

import pytest

from cinder import exception

from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb
from tests.unit.conftest import TOKEN


@pytest.mark.parametrize("driver_cls, overrides, protocol", [
    (driver.PureISCSIDriver, {}, pb.STORAGE_PROTOCOL_ISCSI),
    (driver.PureFCDriver, {}, pb.STORAGE_PROTOCOL_FC),
    (driver.PureNVMEDriver, {}, pb.STORAGE_PROTOCOL_NVME_ROCE),
    (driver.PureNVMEDriver, {"pure_nvme_transport": "tcp"},
     pb.STORAGE_PROTOCOL_NVME_TCP),
])
def test_do_setup_registers_section_with_protocol(make_driver, server, section,
                                                  driver_cls, overrides,
                                                  protocol):
    make_driver(driver_cls, **overrides)

    req = server.service.requests("RegisterBackend")[0]
    assert req.backend_name == section
    assert req.protocol == protocol
    assert req.cinder_host == "cinder-1@" + section


def test_do_setup_sends_options_as_strings(make_driver, server):
    make_driver(driver.PureISCSIDriver, pure_eradicate_on_delete=True,
                pure_iscsi_cidr_list=["10.0.0.0/24", "fd00::/64"],
                pure_replica_interval_default=600,
                volume_backend_name="pure-sim")

    options = server.service.requests("RegisterBackend")[0].options
    assert options["san_ip"] == "sim://pure-primary"
    assert options["pure_api_token"] == TOKEN
    assert options["pure_eradicate_on_delete"] == "true"
    assert options["pure_iscsi_cidr_list"] == "10.0.0.0/24,fd00::/64"
    assert options["pure_replica_interval_default"] == "600"
    assert options["pure_replication_pod_name"] == "cinder-pod"
    assert options["pure_nvme_transport"] == "roce"
    assert options["volume_backend_name"] == "pure-sim"
    assert options["driver_ssl_cert_verify"] == "false"
    assert options["reserved_percentage"] == "0"
    assert options["max_over_subscription_ratio"] == "20.0"
    assert options["use_chap_auth"] == "false"
    # Unset options are not sent; shim-only options never are.
    assert "pure_host_personality" not in options
    assert "purebridge_endpoint" not in options
    assert "replication_device" not in options


def test_do_setup_sends_replication_devices_and_active_backend(
        make_driver, server):
    devices = [{"backend_id": "pure-sync", "san_ip": "sim://pure-sync",
                "api_token": "t2", "type": "sync", "uniform": "true"},
               {"backend_id": "pure-dr", "san_ip": "sim://pure-dr",
                "api_token": "t3"}]
    make_driver(driver.PureISCSIDriver, replication_device=devices,
                active_backend_id="pure-dr")

    req = server.service.requests("RegisterBackend")[0]
    assert [dict(d.settings) for d in req.replication_devices] == devices
    assert req.active_backend_id == "pure-dr"


def test_malformed_replication_device_names_the_option(make_driver, server,
                                                       section, conf_file):
    drv = make_driver(driver.PureISCSIDriver, setup=False)
    conf_file("[%s]\npurebridge_endpoint = %s\n"
              "replication_device = backend_id-pure-dr\n"
              % (section, server.endpoint))

    with pytest.raises(exception.InvalidInput, match="replication_device"):
        drv.do_setup(None)
    assert server.service.rpcs() == []


def test_check_for_setup_error_makes_no_call(make_driver, server):
    drv = make_driver(driver.PureFCDriver)

    drv.check_for_setup_error()

    assert server.service.rpcs() == ["RegisterBackend"]


@pytest.mark.parametrize("driver_cls", [
    driver.PureISCSIDriver, driver.PureFCDriver, driver.PureNVMEDriver])
def test_driver_class_attributes(driver_cls):
    assert driver_cls.VERSION
    assert driver_cls.CI_WIKI_NAME
    names = {o.name for o in driver_cls.get_driver_options()}
    assert {"san_ip", "pure_api_token", "replication_device",
            "driver_ssl_cert_verify", "driver_ssl_cert_path",
            "use_chap_auth", "reserved_percentage",
            "max_over_subscription_ratio", "pure_nvme_transport",
            "pure_eradicate_on_delete", "purebridge_endpoint",
            "purebridge_timeout"} <= names
