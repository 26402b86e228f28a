"""The session credential: sent with every call, renewed when the service forgets it."""

import grpc
import pytest

from purebridge import credentials
from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb
from tests.unit.fake_service import Fail

C = grpc.StatusCode


def _sent_credential(context):
    return dict(context.invocation_metadata()).get(credentials.HEADER)


def _registered(value):
    return pb.RegisterBackendResponse(array_name="pure-primary",
                                      session_credential=value)


def test_every_call_after_registration_carries_the_credential(
        make_driver, server, volume):
    seen = []
    server.service.answer("RegisterBackend", _registered("pbc1.first"))

    def create(request, context):
        seen.append(_sent_credential(context))
        return pb.CreateVolumeResponse(
            model_update=pb.VolumeModelUpdate(provider_id="v-cinder"))
    server.service.always("CreateVolume", create)
    drv = make_driver(driver.PureISCSIDriver)

    drv.create_volume(volume)
    drv.create_volume(volume)

    assert seen == ["pbc1.first", "pbc1.first"]


def test_a_forgotten_credential_is_renewed_by_registering_again(
        make_driver, server, volume):
    seen = []
    server.service.answer("RegisterBackend", _registered("pbc1.first"),
                          _registered("pbc1.second"))

    def create(request, context):
        seen.append(_sent_credential(context))
        if len(seen) == 1:
            Fail(C.UNAUTHENTICATED, "CREDENTIAL_UNKNOWN",
                 "the service restarted").abort(context)
        return pb.CreateVolumeResponse(
            model_update=pb.VolumeModelUpdate(provider_id="v-cinder"))
    server.service.always("CreateVolume", create)
    drv = make_driver(driver.PureISCSIDriver)

    assert drv.create_volume(volume) == {"provider_id": "v-cinder"}
    assert seen == ["pbc1.first", "pbc1.second"]
    assert server.service.rpcs() == ["RegisterBackend", "CreateVolume",
                                     "RegisterBackend", "CreateVolume"]


def test_a_refused_credential_is_not_retried_forever(make_driver, server,
                                                     volume):
    server.service.always("RegisterBackend", _registered("pbc1.x"))
    server.service.always("CreateVolume", Fail(
        C.UNAUTHENTICATED, "CREDENTIAL_UNKNOWN", "still unknown"))
    drv = make_driver(driver.PureISCSIDriver)

    with pytest.raises(Exception, match="still unknown"):
        drv.create_volume(volume)
    assert server.service.rpcs().count("RegisterBackend") == 2


def test_the_credential_is_never_shown():
    holder = credentials.SessionCredential()
    holder.update(_registered("pbc1.secret-value"))
    assert "secret-value" not in repr(holder)
    assert holder.metadata() == ((credentials.HEADER, "pbc1.secret-value"),)


def test_no_credential_before_registration_sends_no_header():
    assert credentials.SessionCredential().metadata() == ()


def test_tls_options_are_checked_and_name_the_option(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("not really a certificate")
    with pytest.raises(ValueError, match="purebridge_tls_key_file"):
        credentials.tls_channel_factory(str(ca), cert_file=str(ca))
    with pytest.raises(ValueError, match="purebridge_tls_ca_file"):
        credentials.tls_channel_factory(str(tmp_path / "missing.pem"))
    factory = credentials.tls_channel_factory(str(ca))
    with pytest.raises(ValueError, match="host:port"):
        factory("unix:/run/purebridge.sock")
