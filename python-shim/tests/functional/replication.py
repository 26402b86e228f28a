"""Volume types, retype and copy checks shared by the replication suites (sim:// and REST)."""

from tests import cinder_objects as objs

SPECS = {
    "none": {},
    "async": {"replication_enabled": "<is> True",
              "replication_type": "<in> async"},
    "sync": {"replication_enabled": "<is> True",
             "replication_type": "<in> sync"},
    "trisync": {"replication_enabled": "<is> True",
                "replication_type": "<in> trisync"},
}
POD = "cinder-pod"
ASYNC_GROUP = "cinder-group"
TRISYNC_GROUP = "cinder-pod::cinder-trisync"


def make(drv, mode, size=1):
    """Creates a volume of the type that selects mode; provider_id filled in as Cinder would."""
    vtype = objs.make_volume_type(extra_specs=SPECS[mode])
    vol = objs.make_volume(size=size, volume_type=vtype)
    model = drv.create_volume(vol)
    vol.provider_id = model["provider_id"]
    return vol


def retype(drv, vol, mode):
    new_type = objs.make_volume_type(extra_specs=SPECS[mode])
    retyped, model = drv.retype(objs.admin_context(), vol, new_type, {},
                                {"host": drv.host})
    assert retyped is True
    # What Cinder's manager does with the answer.
    vol.provider_id = model["provider_id"]
    vol.replication_status = model.get("replication_status")
    vol.volume_type = new_type
    vol.volume_type_id = new_type.id
    return model


def dr_snapshot(admin, group, source_name):
    """Ships the group now; the name of the volume's copy on pure-dr."""
    shipped = admin.replicate_now("pure-primary", group).snapshot
    number = shipped.rsplit(".", 1)[1]
    remote_group = ("pure-primary:" + group if "::" not in group
                    else group.replace("::", ":"))
    return "%s.%s.%s" % (remote_group, number, source_name)


def assert_copies(admin, mode, vol, written):
    """The written range is byte-identical wherever mode says it lives."""
    length, digest = written
    name = vol.provider_id
    assert admin.checksum("pure-primary", name, length) == digest
    if mode in ("sync", "trisync"):
        assert name.startswith(POD + "::")
        assert admin.checksum("pure-sync", name, length) == digest
    else:
        assert "::" not in name
    if mode == "async":
        snap = dr_snapshot(admin, ASYNC_GROUP, name)
        assert admin.checksum("pure-dr", snap, length) == digest
    if mode == "trisync":
        snap = dr_snapshot(admin, TRISYNC_GROUP, name)
        assert admin.checksum("pure-dr", snap, length) == digest
