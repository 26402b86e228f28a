"""Real Cinder versioned objects for tests, built without cinder.tests.unit.

cinder.tests.unit monkey-patches the whole process with eventlet on import; the unit tests need
a plain in-process gRPC server, so they build the objects directly (the eventlet case has its
own test, run in a child process patched exactly as cinder-volume is).
"""

import uuid

from cinder import context as cinder_context
from cinder import objects
from oslo_versionedobjects import fields

VOLUME_ID = "7a4c0d6e-1b2f-4c3d-9e8f-0a1b2c3d4e5f"
VOLUME2_ID = "0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f"
SNAPSHOT_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"


def admin_context():
    return cinder_context.get_admin_context()


def _complete(cls, values):
    """Fills every unset scalar field as a freshly read database row would (None or default)."""
    for name, field in cls.fields.items():
        if (name in values or name in getattr(cls, "OPTIONAL_FIELDS", ()) or
                isinstance(field, fields.ObjectField)):
            continue
        if field.nullable:
            values[name] = None
        elif field.default != fields.UnspecifiedDefault:
            values[name] = field.default
    return values


def make_volume_type(extra_specs=None, ctxt=None):
    return objects.VolumeType(ctxt or admin_context(), id=str(uuid.uuid4()),
                              name="type-%s" % uuid.uuid4().hex[:6],
                              extra_specs=dict(extra_specs or {}))


def make_volume(ctxt=None, volume_type=None, **fields):
    values = {"id": str(uuid.uuid4()), "size": 1, "metadata": {},
              "status": "creating", "volume_type": volume_type,
              "volume_type_id": volume_type.id if volume_type else None}
    values.update(fields)
    name_id = values.pop("name_id", None)
    vol = objects.Volume(ctxt or admin_context(),
                         **_complete(objects.Volume, values))
    if name_id:
        vol.name_id = name_id
    vol.obj_reset_changes()
    return vol


def make_snapshot(volume, ctxt=None, **fields):
    values = {"id": str(uuid.uuid4()), "volume_id": volume.id,
              "volume": volume, "volume_size": volume.size, "metadata": {},
              "status": "creating"}
    values.update(fields)
    snap = objects.Snapshot(ctxt or admin_context(),
                            **_complete(objects.Snapshot, values))
    snap.obj_reset_changes()
    return snap
