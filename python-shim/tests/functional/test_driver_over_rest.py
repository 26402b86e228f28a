"""purebridge's own driver on the path real arrays take: san_ip is an HTTPS address, not sim://.

The service then speaks FlashArray REST 2.x (RestFlashArray) to each array, here the REST front
end of its own simulated arrays, with the certificate verified against the front end's CA bundle
(driver_ssl_cert_verify / driver_ssl_cert_path, and ssl_cert_verify / ssl_cert_path on each
replication_device line). Bytes are written onto and read from the arrays through the service's
ArrayAdminService, since Cinder moves data for real arrays through os-brick, not the service.
"""

import datetime
import hashlib
import random
import socket

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
import pytest

from cinder import exception

from purebridge import driver
from tests import cinder_objects as objs
from tests.functional import attach_cases
from tests.functional import replication

pytestmark = [pytest.mark.functional, pytest.mark.timeout(240)]

MIB = 1 << 20
PRIMARY = "pure-primary"


def _device(svc, name, kind):
    endpoint = svc.rest[name]
    return {"backend_id": name, "san_ip": endpoint.san_ip,
            "api_token": svc.tokens[name], "type": kind,
            "ssl_cert_verify": "true", "ssl_cert_path": endpoint.ca_bundle}


@pytest.fixture(scope="module")
def array_api(service):
    """The vendor's client on pure-primary, to see what the driver did on the array."""
    client = service.rest[PRIMARY].vendor_client(
        service.tokens[PRIMARY], "purebridge functional test")
    yield client
    client._token_man.close_session()


@pytest.fixture
def rest_driver(make_driver, service):
    """Builds a driver whose primary (and targets, if given) are reached over REST."""
    def build(driver_cls=driver.PureISCSIDriver, **overrides):
        endpoint = service.rest[PRIMARY]
        values = dict(san_ip=endpoint.san_ip, driver_ssl_cert_verify=True,
                      driver_ssl_cert_path=endpoint.ca_bundle)
        values.update(overrides)
        return make_driver(driver_cls, service, **values)
    return build


@pytest.fixture
def replicated_rest_driver(rest_driver, service):
    return rest_driver(
        replication_device=[_device(service, "pure-sync", "sync"),
                            _device(service, "pure-dr", "async")],
        pure_trisync_enabled=True)


def _foreign_ca(path):
    """A self-signed CA that never signed the front end's certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                         "not the array's CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def _write(admin, name, length, seed):
    data = random.Random(seed).randbytes(length)
    assert admin.write(PRIMARY, name, 0, data) == length
    return length, hashlib.sha256(data).hexdigest()


def _created(drv, vol):
    vol.provider_id = drv.create_volume(vol)["provider_id"]
    return vol


def test_lifecycle_keeps_every_byte(rest_driver, admin):
    drv = rest_driver()
    vol = objs.make_volume(size=1)
    first = drv.create_volume(vol)
    assert drv.create_volume(vol) == first  # idempotent by name
    assert first["provider_id"] == "volume-%s-cinder" % vol.name_id
    vol.provider_id = first["provider_id"]
    old = _write(admin, vol.provider_id, 2 * MIB, seed=1)

    snap = objs.make_snapshot(vol)
    snap.provider_id = drv.create_snapshot(snap)["provider_id"]
    assert snap.provider_id == "%s.%s" % (vol.provider_id, snap.name)
    new = _write(admin, vol.provider_id, 2 * MIB, seed=2)

    clone = objs.make_volume(size=2)
    clone.provider_id = drv.create_cloned_volume(clone, vol)["provider_id"]
    from_snap = objs.make_volume(size=1)
    from_snap.provider_id = drv.create_volume_from_snapshot(
        from_snap, snap)["provider_id"]
    assert admin.checksum(PRIMARY, clone.provider_id, new[0]) == new[1]
    assert admin.checksum(PRIMARY, from_snap.provider_id, old[0]) == old[1]
    assert admin.checksum(PRIMARY, snap.provider_id, old[0]) == old[1]

    drv.extend_volume(vol, 3)
    vol.size = 3
    drv.revert_to_snapshot(None, vol, snap)
    assert admin.checksum(PRIMARY, vol.provider_id, old[0]) == old[1]

    stats = drv.get_volume_stats(refresh=True)
    assert stats["storage_protocol"] == "iSCSI"
    assert stats["total_capacity_gb"] > 0
    assert stats["total_volumes"] >= 3 and stats["total_snapshots"] >= 1

    drv.delete_snapshot(snap)
    drv.delete_snapshot(snap)  # missing: success
    for v in (clone, from_snap, vol):
        drv.delete_volume(v)
    drv.delete_volume(vol)  # missing: success


@pytest.mark.parametrize("driver_cls, connector, kind, keys",
                         attach_cases.ATTACH_CASES)
def test_attach_connects_the_host_on_the_array(rest_driver, array_api,
                                               driver_cls, connector, kind,
                                               keys):
    drv = rest_driver(driver_cls)
    vol = _created(drv, objs.make_volume(size=1))

    info = drv.initialize_connection(vol, connector)

    assert drv.initialize_connection(vol, connector) == info
    assert info["driver_volume_type"] == kind
    assert keys <= set(info["data"]), info
    connected = _connections(array_api, vol.provider_id)
    assert len(connected) == 1
    host = connected[0].host.name
    assert host.startswith(connector["host"] + "-") and host.endswith("-cinder")
    if kind in ("iscsi", "fibre_channel"):
        assert info["data"]["target_luns"][0] == connected[0].lun
    if kind == "fibre_channel":
        assert set(info["data"]["initiator_target_map"]) == \
            set(connector["wwpns"])

    drv.terminate_connection(vol, connector)
    assert _connections(array_api, vol.provider_id) == []
    drv.terminate_connection(vol, connector)  # already detached: success
    drv.delete_volume(vol)


def _connections(array_api, volume_name):
    response = array_api.get_connections(volume_names=[volume_name])
    assert response.status_code == 200, response
    return list(response.items)


@pytest.mark.parametrize("mode", ["sync", "async", "trisync"])
def test_each_mode_puts_the_same_bytes_on_every_copy(replicated_rest_driver,
                                                     admin, mode):
    vol = replication.make(replicated_rest_driver, mode)

    written = _write(admin, vol.provider_id, 2 * MIB, seed=10)

    replication.assert_copies(admin, mode, vol, written)


def test_retype_through_every_mode_keeps_and_replicates_the_data(
        replicated_rest_driver, admin):
    drv = replicated_rest_driver
    vol = replication.make(drv, "none")
    written = _write(admin, vol.provider_id, 2 * MIB, seed=20)

    for seed, mode in enumerate(("async", "sync", "trisync", "none"), 21):
        replication.retype(drv, vol, mode)
        replication.assert_copies(admin, mode, vol, written)
        written = _write(admin, vol.provider_id, MIB, seed=seed)
        replication.assert_copies(admin, mode, vol, written)
    drv.delete_volume(vol)


def test_stats_report_the_targets(replicated_rest_driver):
    stats = replicated_rest_driver.get_volume_stats(refresh=True)

    assert stats["replication_enabled"] is True
    assert sorted(stats["replication_targets"]) == ["pure-dr", "pure-sync"]
    assert stats["total_capacity_gb"] > 0


def test_wrong_token_is_refused_without_leaking_it(rest_driver, service):
    wrong = "not-the-token-1111"
    with pytest.raises(exception.VolumeBackendAPIException) as caught:
        rest_driver(pure_api_token=wrong)
    message = str(caught.value)
    assert service.rest[PRIMARY].san_ip in message
    assert wrong not in message
    assert service.tokens[PRIMARY] not in message


def test_untrusted_certificate_names_the_option_to_set(rest_driver, service,
                                                        tmp_path):
    stranger = _foreign_ca(tmp_path / "other-ca.pem")
    with pytest.raises(exception.VolumeBackendAPIException,
                       match="driver_ssl_cert_path") as caught:
        rest_driver(driver_ssl_cert_path=stranger)
    assert service.rest[PRIMARY].san_ip in str(caught.value)


def test_untrusted_target_certificate_skips_that_target_and_says_why(
        rest_driver, service, tmp_path):
    device = _device(service, "pure-dr", "async")
    device["ssl_cert_path"] = _foreign_ca(tmp_path / "other-ca.pem")

    # As upstream (bug #1969784): a target it cannot use does not stop the primary...
    drv = rest_driver(replication_device=[device])
    vol = _created(drv, objs.make_volume(size=1))

    # ...stats leave it out, and the service log names the line and the option to fix.
    stats = drv.get_volume_stats(refresh=True)
    assert stats["replication_targets"] == []
    assert stats["replication_count"] == 0
    log = _service_log(service)
    assert "replication_device 'pure-dr'" in log
    assert "ssl_cert_path on a replication_device line" in log
    assert service.tokens["pure-dr"] not in log
    drv.delete_volume(vol)


def _service_log(svc):
    """What the service has logged so far (it logs to stdout, as under journald)."""
    return "".join(svc.output)


def test_missing_ca_bundle_names_the_field(rest_driver, tmp_path):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(exception.InvalidInput,
                       match="driver_ssl_cert_path") as caught:
        rest_driver(driver_ssl_cert_path=missing)
    assert missing in str(caught.value)


def test_missing_target_ca_bundle_fails_registration(rest_driver, service,
                                                     tmp_path):
    """A wrong path is a mistake in cinder.conf, not an outage: not skipped."""
    device = _device(service, "pure-dr", "async")
    device["ssl_cert_path"] = str(tmp_path / "missing.pem")
    with pytest.raises(exception.InvalidInput,
                       match="replication_device 'pure-dr'.*ssl_cert_path"):
        rest_driver(replication_device=[device])


def test_nothing_listening_says_check_san_ip(rest_driver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Closed again: nothing listens on the port.
    with pytest.raises(exception.VolumeBackendAPIException,
                       match="san_ip") as caught:
        rest_driver(san_ip="127.0.0.1:%d" % port)
    assert "127.0.0.1:%d" % port in str(caught.value)
