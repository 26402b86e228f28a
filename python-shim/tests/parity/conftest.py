"""purebridge's driver doing what upstream's does, against a real service, on both paths.

Each test runs twice: with san_ip = sim://pure-primary (the service drives its simulated array
directly) and with san_ip = the array's HTTPS REST front end (the service speaks FlashArray REST
2.x, as to a real array). Volume types, qos-specs, groups and group types live in a real Cinder
database (SQLite, migrated by Cinder), so the driver gets the objects cinder-volume would hand it.
What the driver did is read back from the array through py-pure-client, the vendor's own client.
"""

import shutil
import tempfile
import uuid

import pytest

from cinder import objects
from cinder.volume import group_types
from cinder.volume import qos_specs
from cinder.volume import volume_types
from pypureclient import flasharray

from purebridge import client as pb_client
from purebridge import driver as pb_driver
from tests import cinder_database
from tests import conftest as shared
from tests.functional.admin import Admin
from tests.service import running_service

PRIMARY = "pure-primary"
GIB = 1 << 30
MIB = 1 << 20


@pytest.fixture(scope="package")
def workdir():
    path = tempfile.mkdtemp(prefix="pbp-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="package")
def cinder_db(workdir):
    yield cinder_database.start(workdir)
    cinder_database.stop()


@pytest.fixture(scope="package")
def service(workdir):
    with running_service("pbp-", workdir) as svc:
        yield svc


@pytest.fixture(scope="package")
def admin(service):
    api = Admin(service)
    yield api
    api.close()


@pytest.fixture(scope="package")
def array(service):
    """py-pure-client on pure-primary: the array both paths drive."""
    client = flasharray.Client(target=service.rest[PRIMARY].san_ip,
                               api_token=service.tokens[PRIMARY],
                               verify_ssl=False)
    yield client
    client._token_man.close_session()


_sections = iter(range(1, 10000))


@pytest.fixture(params=["sim", "rest"])
def make_driver(request, service, cinder_db):
    """Builds a set-up PureISCSIDriver on the path under test, with extra cinder.conf options."""
    built = []

    def build(**overrides):
        section = "pb-%s-%d" % (request.param, next(_sections))
        endpoint = service.rest[PRIMARY]
        values = {"purebridge_endpoint": service.endpoint,
                  "purebridge_timeout": 30.0,
                  "pure_api_token": service.tokens[PRIMARY]}
        if request.param == "sim":
            values["san_ip"] = "sim://" + PRIMARY
        else:
            values.update(san_ip=endpoint.san_ip, driver_ssl_cert_verify=True,
                          driver_ssl_cert_path=endpoint.ca_bundle)
        values.update(overrides)

        def client_factory(target, timeout):
            return pb_client.PureBridgeClient(target, timeout, backoff=0.2,
                                              attempts=4)
        # The driver registers its options in the section; then cinder.conf's values.
        drv = pb_driver.PureISCSIDriver(
            configuration=shared.make_configuration(section),
            host="cinder-parity@" + section, client_factory=client_factory)
        shared.override(section, **values)
        drv.do_setup(cinder_db)
        built.append(section)
        return drv
    yield build
    for section in built:
        group = shared.cfg.CONF._groups.get(section)
        for opt_name in list(group._opts if group else []):
            shared.cfg.CONF.clear_override(opt_name, group=section)


@pytest.fixture
def driver(make_driver):
    return make_driver()


@pytest.fixture(scope="package")
def make_type(cinder_db):
    """A volume type as an operator defines it: extra specs, optionally a qos-spec."""
    def make(specs=None, qos=None, consumer="back-end"):
        name = "t-%s" % uuid.uuid4().hex[:8]
        vt = volume_types.create(cinder_db, name, specs or {})
        if qos is not None:
            q = qos_specs.create(cinder_db, name + "-qos",
                                 dict(qos, consumer=consumer))
            qos_specs.associate_qos_with_type(cinder_db, q["id"], vt["id"])
        return volume_types.get_volume_type(cinder_db, vt["id"])
    return make


@pytest.fixture(scope="package")
def make_group_type(cinder_db):
    def make(specs):
        gt = group_types.create(cinder_db, "g-%s" % uuid.uuid4().hex[:8],
                                specs)
        return group_types.get_group_type(cinder_db, gt["id"])
    return make


@pytest.fixture
def new_volume(cinder_db):
    """A volume row in Cinder's database, created on the array by `create`."""
    def make(drv, vtype, size=1, create=None, **fields):
        vol = objects.Volume(cinder_db, size=size, volume_type_id=vtype["id"],
                             host=drv.host + "#" + drv._backend_name(),
                             status="creating", project_id="project-1",
                             user_id="user-1", attach_status="detached",
                             **fields)
        vol.create()
        vol = objects.Volume.get_by_id(cinder_db, vol.id)
        update = (create or drv.create_volume)(vol)
        vol.update(update or {})
        vol.status = "available"
        vol.save()
        return vol
    return make


@pytest.fixture
def new_snapshot(cinder_db):
    def make(drv, vol, **fields):
        snap = objects.Snapshot(cinder_db, volume_id=vol.id,
                                volume_size=vol.size, status="creating",
                                project_id="project-1", user_id="user-1",
                                volume_type_id=vol.volume_type_id, **fields)
        snap.create()
        snap = objects.Snapshot.get_by_id(cinder_db, snap.id)
        snap.update(drv.create_snapshot(snap) or {})
        snap.status = "available"
        snap.save()
        return snap
    return make


def ok(response):
    assert response.status_code == 200, response.errors[0].message
    return list(response.items)


def volume_on(array, name):
    """The array's volume, or None."""
    res = array.get_volumes(names=[name])
    if res.status_code != 200:
        return None
    return list(res.items)[0]
