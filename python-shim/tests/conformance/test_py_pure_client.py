"""py-pure-client (the vendor SDK the upstream Cinder driver uses) against
the service's REST 2.x front end.

Each test makes the calls the upstream driver makes (cinder-pure-driver.md
section 6) with the SDK's own request models and checks what the SDK hands
back: status codes, items, and error messages in the fragments the driver
matches on ("does not exist", "already exists", ...).
"""

import itertools
import json
import uuid

import pytest
import urllib3

from pypureclient import flasharray

pytestmark = pytest.mark.conformance

GIB = 1024 ** 3
_names = itertools.count(1)


def unique(prefix):
    return "%s-%d-%s" % (prefix, next(_names), uuid.uuid4().hex[:6])


def ok(response):
    assert isinstance(response, flasharray.ValidResponse), _describe(response)
    assert response.status_code == 200
    # DELETE answers 200 with an empty body: the SDK gives items None.
    return list(response.items or [])


def error(response, status, fragment):
    assert isinstance(response, flasharray.ErrorResponse), _describe(response)
    assert response.status_code == status, _describe(response)
    messages = [e.message for e in response.errors]
    assert any(fragment in m for m in messages), messages
    return response.errors[0]


def _describe(response):
    errors = getattr(response, "errors", None)
    if errors:
        return "%s %s" % (response.status_code,
                          [(e.context, e.message) for e in errors])
    return repr(response)


def create_volume(client, size=GIB):
    name = unique("vol")
    ok(client.post_volumes(names=[name],
                           volume=flasharray.VolumePost(provisioned=size)))
    return name


# -- array -------------------------------------------------------------------

def test_get_arrays_names_the_array(client):
    arrays = ok(client.get_arrays())
    assert len(arrays) == 1
    assert arrays[0].name == "pure-primary"
    assert arrays[0].id
    assert arrays[0].version


def test_rest_version_is_negotiated_from_api_version(client):
    # The SDK picks the highest version both sides know; the driver
    # needs at least 2.4.
    major, minor = client.get_rest_version().split(".")
    assert major == "2" and int(minor) >= 4


def test_get_arrays_space_has_what_stats_read(client):
    create_volume(client, 3 * GIB)
    space = ok(client.get_arrays_space())[0]
    assert space.capacity > 0
    assert space.space.total_provisioned >= 3 * GIB
    assert space.space.total_physical >= 0
    assert space.space.total_reduction >= 1.0


def test_insecure_client_without_ca_bundle_also_connects(service, endpoint):
    insecure = flasharray.Client(target=endpoint.san_ip,
                                 api_token=service.tokens["pure-primary"],
                                 verify_ssl=False)
    try:
        assert ok(insecure.get_arrays())[0].name == "pure-primary"
    finally:
        insecure._token_man.close_session()


def test_certificate_is_really_checked(service, endpoint):
    # Public CAs only (certifi): the front end's self-signed certificate must
    # not verify, or the CA-bundle client above would prove nothing.
    import certifi
    from pypureclient.configuration import Configuration
    with pytest.raises(Exception) as raised:
        flasharray.Client(target=endpoint.san_ip,
                          api_token=service.tokens["pure-primary"],
                          verify_ssl=True,
                          configuration=Configuration(
                              ssl_ca_cert=certifi.where()),
                          retries=1, timeout=10)
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)


def test_wrong_api_token_is_refused_at_login(endpoint):
    with pytest.raises(flasharray.PureError) as raised:
        flasharray.Client(target=endpoint.san_ip,
                          api_token=str(uuid.uuid4()),
                          verify_ssl=False)
    assert "401" in str(raised.value) or "uthenticat" in str(raised.value)


def test_token_of_another_array_is_refused(service, endpoint):
    with pytest.raises(flasharray.PureError):
        flasharray.Client(target=endpoint.san_ip,
                          api_token=service.tokens["pure-dr"],
                          verify_ssl=False)


# -- volumes -----------------------------------------------------------------

def test_volume_lifecycle(client):
    name = create_volume(client, GIB)

    vol = ok(client.get_volumes(names=[name]))[0]
    assert vol.name == name
    assert vol.provisioned == GIB
    assert vol.destroyed is False
    assert vol.serial and len(vol.serial) == 24
    assert vol.connection_count == 0

    ok(client.patch_volumes(
        names=[name], volume=flasharray.VolumePatch(provisioned=2 * GIB)))
    assert ok(client.get_volumes(names=[name]))[0].provisioned == 2 * GIB

    renamed = name + "-r"
    ok(client.patch_volumes(names=[name],
                            volume=flasharray.VolumePatch(name=renamed)))
    error(client.get_volumes(names=[name]), 400, "does not exist")

    ok(client.patch_volumes(names=[renamed],
                            volume=flasharray.VolumePatch(destroyed=True)))
    destroyed = ok(client.get_volumes(names=[renamed], destroyed=True))[0]
    assert destroyed.destroyed is True
    assert destroyed.time_remaining > 0

    ok(client.delete_volumes(names=[renamed]))
    error(client.get_volumes(names=[renamed]), 400, "does not exist")


def test_create_existing_volume_already_exists(client):
    name = create_volume(client)
    error(client.post_volumes(names=[name],
                              volume=flasharray.VolumePost(provisioned=GIB)),
          400, "already exists")


def test_create_over_destroyed_volume_already_exists(client):
    name = create_volume(client)
    ok(client.patch_volumes(names=[name],
                            volume=flasharray.VolumePatch(destroyed=True)))
    error(client.post_volumes(names=[name],
                              volume=flasharray.VolumePost(provisioned=GIB)),
          400, "already exists")


def test_missing_volume_does_not_exist(client):
    missing = unique("missing")
    error(client.get_volumes(names=[missing]), 400, "does not exist")
    error(client.patch_volumes(names=[missing],
                               volume=flasharray.VolumePatch(destroyed=True)),
          400, "does not exist")
    error(client.delete_volumes(names=[missing]), 400, "does not exist")


def test_clone_and_overwrite_from_source(client):
    source = create_volume(client, GIB)
    clone = unique("clone")
    ok(client.post_volumes(names=[clone], volume=flasharray.VolumePost(
        source=flasharray.Reference(name=source))))
    assert ok(client.get_volumes(names=[clone]))[0].provisioned == GIB

    snap = ok(client.post_volume_snapshots(
        source_names=[source],
        volume_snapshot=flasharray.VolumeSnapshotPost(suffix="rev")))[0]
    # Revert to snapshot: copy over an existing volume.
    error(client.post_volumes(names=[source], volume=flasharray.VolumePost(
        source=flasharray.Reference(name=snap.name))), 400, "already exists")
    ok(client.post_volumes(names=[source], overwrite=True,
                           volume=flasharray.VolumePost(
                               source=flasharray.Reference(name=snap.name))))


def test_list_and_filter_volumes(client):
    name = create_volume(client)
    names = [v.name for v in ok(client.get_volumes())]
    assert name in names
    filtered = ok(client.get_volumes(filter="name='%s'" % name))
    assert [v.name for v in filtered] == [name]


def test_optional_parameters_the_upstream_driver_sends(client):
    name = unique("vol")
    ok(client.post_volumes(names=[name], with_default_protection=False,
                           volume=flasharray.VolumePost(provisioned=GIB)))
    listed = client.get_volumes(names=[name], destroyed=False,
                                total_item_count=True)
    assert [v.name for v in ok(listed)] == [name]
    assert listed.total_item_count == 1
    assert ok(client.get_volumes(filter="pod.name='cinder-pod'")) == []
    # Hosts outside pods are local to the array.
    iqn = "iqn.2005-03.org.open-iscsi:%s" % uuid.uuid4().hex[:12]
    host = unique("h")
    ok(client.post_hosts(names=[host], host=flasharray.HostPost(iqns=[iqn])))
    assert [h.name for h in ok(client.get_hosts(
        filter="iqns='%s' and is_local" % iqn))] == [host]
    assert ok(client.get_hosts(
        filter="iqns='%s' and not is_local" % iqn)) == []
    ok(client.delete_hosts(names=[host]))


def test_eradicate_requires_destroy_first(client):
    name = create_volume(client)
    err = error(client.delete_volumes(names=[name]), 400, "")
    assert err.message


# -- snapshots ---------------------------------------------------------------

def test_snapshot_lifecycle(client):
    vol = create_volume(client)
    snaps = ok(client.post_volume_snapshots(
        source_names=[vol],
        volume_snapshot=flasharray.VolumeSnapshotPost(suffix="cinder-1")))
    assert [s.name for s in snaps] == [vol + ".cinder-1"]

    got = ok(client.get_volume_snapshots(names=[vol + ".cinder-1"]))[0]
    assert got.source.name == vol
    assert got.provisioned == GIB
    assert got.destroyed is False

    error(client.post_volume_snapshots(
        source_names=[vol],
        volume_snapshot=flasharray.VolumeSnapshotPost(suffix="cinder-1")),
        400, "already exists")

    listed = ok(client.get_volume_snapshots(filter="name='%s.*'" % vol))
    assert [s.name for s in listed] == [vol + ".cinder-1"]

    ok(client.patch_volume_snapshots(
        names=[vol + ".cinder-1"],
        volume_snapshot=flasharray.VolumeSnapshotPatch(name=vol + ".managed")))
    ok(client.patch_volume_snapshots(
        names=[vol + ".managed"],
        volume_snapshot=flasharray.VolumeSnapshotPatch(destroyed=True)))
    assert ok(client.get_volume_snapshots(
        names=[vol + ".managed"], destroyed=True))[0].destroyed is True
    ok(client.delete_volume_snapshots(names=[vol + ".managed"]))
    error(client.get_volume_snapshots(names=[vol + ".managed"]), 400,
          "does not exist")


def test_snapshot_of_missing_volume_does_not_exist(client):
    error(client.post_volume_snapshots(
        source_names=[unique("missing")],
        volume_snapshot=flasharray.VolumeSnapshotPost(suffix="s")),
        400, "does not exist")


def test_snapshot_without_suffix_gets_a_number(client):
    vol = create_volume(client)
    snap = ok(client.post_volume_snapshots(
        source_names=[vol],
        volume_snapshot=flasharray.VolumeSnapshotPost()))[0]
    assert snap.name.startswith(vol + ".")
    assert snap.name.rsplit(".", 1)[1].isdigit()


# -- hosts and connections ---------------------------------------------------

def test_host_lifecycle_with_every_initiator_kind(client):
    iqn = "iqn.1993-08.org.debian:01:%s" % uuid.uuid4().hex[:12]
    wwn = "21000024FF%06X" % (next(_names) & 0xFFFFFF)
    nqn = "nqn.2014-08.org.nvmexpress:uuid:%s" % uuid.uuid4()
    iscsi, fc, nvme = unique("h-iscsi"), unique("h-fc"), unique("h-nvme")
    ok(client.post_hosts(names=[iscsi], host=flasharray.HostPost(iqns=[iqn])))
    ok(client.post_hosts(names=[fc], host=flasharray.HostPost(wwns=[wwn])))
    ok(client.post_hosts(names=[nvme], host=flasharray.HostPost(nqns=[nqn])))

    assert [h.name for h in ok(client.get_hosts(
        filter="iqns='%s'" % iqn))] == [iscsi]
    assert [h.name for h in ok(client.get_hosts(
        filter="nqns='%s'" % nqn))] == [nvme]
    by_wwn = ok(client.get_hosts(filter="wwns='%s'" % wwn))
    assert [h.name for h in by_wwn] == [fc]

    error(client.post_hosts(names=[iscsi],
                            host=flasharray.HostPost(iqns=[iqn + "x"])),
          400, "already exists")

    ok(client.patch_hosts(names=[iscsi], host=flasharray.HostPatch(
        personality="esxi")))
    ok(client.patch_hosts(names=[iscsi], host=flasharray.HostPatch(
        chap=flasharray.Chap(host_user="cinder", host_password="s" * 16))))
    host = ok(client.get_hosts(names=[iscsi]))[0]
    assert host.personality == "esxi"
    assert host.chap.host_user == "cinder"
    assert host.iqns == [iqn]

    for name in (iscsi, fc, nvme):
        ok(client.delete_hosts(names=[name]))
    error(client.get_hosts(names=[iscsi]), 400, "does not exist")


def test_connect_and_disconnect(client):
    vol = create_volume(client)
    host = unique("h")
    ok(client.post_hosts(names=[host], host=flasharray.HostPost(
        iqns=["iqn.2004-10.com.ubuntu:01:%s" % uuid.uuid4().hex[:12]])))

    conn = ok(client.post_connections(host_names=[host],
                                      volume_names=[vol]))[0]
    assert conn.host.name == host
    assert conn.volume.name == vol
    assert conn.lun >= 1

    error(client.post_connections(host_names=[host], volume_names=[vol]),
          400, "already")
    by_volume = ok(client.get_connections(volume_names=[vol]))
    assert [(c.host.name, c.lun) for c in by_volume] == [(host, conn.lun)]
    assert [c.volume.name for c in ok(client.get_connections(
        host_names=[host]))] == [vol]
    assert len(ok(client.get_connections(host_names=[host],
                                         volume_names=[vol]))) == 1
    assert ok(client.get_volumes(names=[vol]))[0].connection_count == 1

    ok(client.delete_connections(host_names=[host], volume_names=[vol]))
    assert ok(client.get_connections(volume_names=[vol])) == []
    error(client.delete_connections(host_names=[host], volume_names=[vol]),
          400, "")
    ok(client.delete_hosts(names=[host]))


def test_connect_to_missing_host_does_not_exist(client):
    vol = create_volume(client)
    error(client.post_connections(host_names=[unique("nohost")],
                                  volume_names=[vol]),
          400, "does not exist")


# -- target discovery --------------------------------------------------------

def test_ports_network_interfaces_and_controllers(client):
    ports = ok(client.get_ports(filter="name='CT0.*'"))
    assert ports and all(p.name.startswith("CT0.") for p in ports)
    assert any(p.iqn and p.portal for p in ok(client.get_ports()))

    controllers = ok(client.get_controllers(filter="status='ready'"))
    assert controllers and all(c.status == "ready" for c in controllers)

    interfaces = ok(client.get_network_interfaces())
    assert interfaces
    assert all(i.name for i in interfaces)
    named = ok(client.get_network_interfaces(names=[interfaces[0].name]))
    assert [i.name for i in named] == [interfaces[0].name]


# -- error shapes ------------------------------------------------------------

def test_bad_request_is_an_error_response_with_context(client):
    vol = create_volume(client)
    err = error(client.patch_volumes(
        names=[vol], volume=flasharray.VolumePatch(provisioned=GIB // 2)),
        400, "")
    assert err.message


def test_session_ended_by_the_array_is_renewed_with_the_api_token(
        service, endpoint):
    client = flasharray.Client(target=endpoint.san_ip,
                               api_token=service.tokens["pure-primary"],
                               verify_ssl=False)
    try:
        stale = client._token_man.get_session_token()
        # End the session behind the SDK's back, as an idle timeout would.
        pool = urllib3.HTTPSConnectionPool("127.0.0.1", endpoint.port,
                                           cert_reqs="CERT_NONE")
        logout = pool.request("POST", "/api/%s/logout"
                              % client.get_rest_version(),
                              headers={"x-auth-token": stale})
        assert logout.status == 200
        refused = pool.request("GET", "/api/%s/arrays"
                               % client.get_rest_version(),
                               headers={"x-auth-token": stale})
        assert refused.status == 401
        # The SDK answers the 401 by logging in again and retrying.
        assert ok(client.get_arrays())[0].name == "pure-primary"
        assert client._token_man.get_session_token() != stale
    finally:
        client._token_man.close_session()


def test_unauthenticated_and_bad_requests_are_error_responses(endpoint):
    # What the SDK parses into ErrorResponse:
    # {"errors": [{"context": ..., "message": ...}]}
    pool = urllib3.HTTPSConnectionPool("127.0.0.1", endpoint.port,
                                       cert_reqs="CERT_NONE")
    for method, path, headers, status in (
            ("GET", "/api/2.17/volumes", {}, 401),
            ("POST", "/api/2.17/login", {"api-token": "nope"}, 401),
            ("GET", "/api/2.17/volumes?bogus=1", {}, 401)):
        reply = pool.request(method, path, headers=headers)
        assert reply.status == status
        body = json.loads(reply.data)
        assert set(body) == {"errors"}
        assert body["errors"][0]["message"]
        assert "context" in body["errors"][0]
