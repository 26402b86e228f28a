"""Cinder's own Pure driver (cinder.volume.drivers.pure, as installed from
the package index) pointed at the simulated arrays' REST 2.x front end.

The driver reads volume types, QoS specs and attachments from the Cinder
database and takes its locks through Cinder's coordinator, so both are real
here: a SQLite database migrated with Cinder's own migrations and the file
coordination backend.
"""

import gc
import shutil
import tempfile
import uuid

from oslo_config import cfg
import pytest

from cinder import objects
from cinder.volume import configuration
from cinder.volume import driver as volume_driver
from cinder.volume.drivers import pure
from cinder.volume.drivers.san import san
from cinder.volume import qos_specs
from cinder.volume import volume_types
from pypureclient import api_token_manager
from pypureclient import flasharray

from tests import cinder_database
from tests.functional.admin import Admin
from tests.service import running_service

SECTION = "puredriver-upstream"
HOST = "cinder-upstream@" + SECTION
PRIMARY, SYNC, DR = "pure-primary", "pure-sync", "pure-dr"
GIB = 1024 ** 3


@pytest.fixture(scope="package")
def workdir():
    path = tempfile.mkdtemp(prefix="pbu-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="package")
def cinder_db(workdir):
    """A migrated Cinder database and a started coordinator."""
    yield cinder_database.start(workdir)
    cinder_database.stop()


@pytest.fixture(scope="package")
def service(workdir):
    with running_service("pbu-", workdir) as svc:
        yield svc


@pytest.fixture(scope="package")
def admin(service):
    a = Admin(service)
    yield a
    a.close()


@pytest.fixture(scope="package")
def arrays(service):
    """py-pure-client sessions to each array, for checking what the driver did."""
    clients = {name: flasharray.Client(target=service.rest[name].san_ip,
                                       api_token=service.tokens[name],
                                       verify_ssl=False)
               for name in (PRIMARY, SYNC, DR)}
    yield clients
    for c in clients.values():
        c._token_man.close_session()


@pytest.fixture(scope="package")
def driver(service, cinder_db):
    """PureISCSIDriver with a sync (uniform) and an async replication target
    and tri-sync on: the options an operator writes in cinder.conf."""
    conf = configuration.Configuration(
        pure.PURE_OPTS + volume_driver.volume_opts + san.san_opts, SECTION)
    rest = service.rest
    values = {
        "san_ip": rest[PRIMARY].san_ip,
        "pure_api_token": service.tokens[PRIMARY],
        "volume_backend_name": SECTION,
        "pure_trisync_enabled": True,
        "replication_device": [
            {"backend_id": SYNC, "san_ip": rest[SYNC].san_ip,
             "api_token": service.tokens[SYNC], "type": "sync",
             "uniform": "true"},
            {"backend_id": DR, "san_ip": rest[DR].san_ip,
             "api_token": service.tokens[DR], "type": "async"}],
    }
    for key, value in values.items():
        cfg.CONF.set_override(key, value, group=SECTION)
    drv = pure.PureISCSIDriver(configuration=conf, host=HOST)
    drv.do_setup(cinder_db)
    drv.check_for_setup_error()
    yield drv
    for key in values:
        cfg.CONF.clear_override(key, group=SECTION)
    # Log out while the service still runs (else each SDK session retries at
    # exit); the driver also opens sessions of its own, e.g. during failover.
    for manager in gc.get_objects():
        if isinstance(manager, api_token_manager.APITokenManager):
            manager.close_session()


@pytest.fixture(scope="package")
def types(cinder_db):
    """Volume types as an operator defines them for this driver."""
    ctxt = cinder_db

    def make(name, specs, qos=None):
        vt = volume_types.create(ctxt, "%s-%s" % (name, uuid.uuid4().hex[:6]),
                                 specs)
        if qos:
            q = qos_specs.create(ctxt, vt["name"] + "-qos", qos)
            qos_specs.associate_qos_with_type(ctxt, q["id"], vt["id"])
        return volume_types.get_volume_type(ctxt, vt["id"])

    def replicated(kind):
        return {"replication_enabled": "<is> True",
                "replication_type": "<in> %s" % kind}
    return {
        "plain": make("plain", {}),
        "qos": make("qos", {}, {"maxIOPS": "5000", "maxBWS": "200"}),
        "vgroup": make("vgroup", {"flasharray:vg_name": "cinder-vg",
                                  "flasharray:vg_maxIOPS": "10000",
                                  "flasharray:vg_maxBWS": str(300 * 2 ** 20)}),
        "sync": make("sync", replicated("sync")),
        "async": make("async", replicated("async")),
        "trisync": make("trisync", replicated("trisync")),
    }


@pytest.fixture
def new_volume(driver, cinder_db, types):
    """Creates a volume of a type in the database, then on the array through
    the driver (create_volume, or `via`: e.g. a from-snapshot or clone call)."""
    def create(type_name="plain", size=1, via=None, **fields):
        vol = objects.Volume(cinder_db, size=size,
                             volume_type_id=types[type_name]["id"],
                             host=HOST + "#" + SECTION, status="creating",
                             project_id="project-1", user_id="user-1",
                             attach_status="detached", **fields)
        vol.create()
        update = (via or driver.create_volume)(vol)
        vol.update(update or {})
        vol.status = "available"
        vol.save()
        return vol
    return create


@pytest.fixture
def new_snapshot(driver, cinder_db):
    def create(vol, **fields):
        snap = objects.Snapshot(cinder_db, volume_id=vol.id,
                                volume_size=vol.size, status="creating",
                                project_id="project-1", user_id="user-1",
                                volume_type_id=vol.volume_type_id, **fields)
        snap.create()
        snap.update(driver.create_snapshot(snap) or {})
        snap.status = "available"
        snap.save()
        return snap
    return create
