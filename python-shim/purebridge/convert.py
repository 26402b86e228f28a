"""Conversions between Cinder objects and purebridge.v1 messages. No decisions live here."""

import re

from cinder import context as cinder_context
from cinder import exception
from cinder.volume import group_types
from cinder.volume import qos_specs as cinder_qos

from purebridge.v1 import volume_driver_pb2 as pb
from purebridge.v1 import volume_types_pb2 as types_pb


def option_string(value):
    """An oslo.config value as the service receives it (None means unset: skipped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def type_extra_specs(volume_type):
    """A volume type's extra specs as strings (a VolumeType object or a dict; None: none)."""
    if volume_type is None:
        return {}
    if isinstance(volume_type, dict):
        specs = volume_type.get("extra_specs")
    else:
        specs = getattr(volume_type, "extra_specs", None)
    return {str(k): str(v) for k, v in (specs or {}).items()}


def _volume_type(volume):
    if volume.obj_attr_is_set("volume_type"):
        return volume.volume_type
    if volume.volume_type_id:
        return volume.volume_type  # lazy-loaded from Cinder's database
    return None


def _field(obj, name):
    """A volume type's field, from a dict or an object (None when the object lacks it)."""
    if isinstance(obj, dict):
        return obj.get(name)
    if hasattr(obj, "obj_attr_is_set"):
        return getattr(obj, name) if obj.obj_attr_is_set(name) else None
    return getattr(obj, name, None)


def qos_spec(volume_type):
    """The type's associated qos-spec as a QosSpec message, or None when it has none.

    Cinder hands types over as objects (lazy-loading qos_specs) or, in retype, as dicts that
    carry only qos_specs_id: that one is read from Cinder's database.
    """
    spec_id = None if volume_type is None else _field(volume_type, "qos_specs_id")
    if not spec_id:
        return None
    spec = _field(volume_type, "qos_specs")
    if not spec and not isinstance(volume_type, dict):
        spec = volume_type.qos_specs  # lazy-loaded from Cinder's database
    if not spec:
        spec = cinder_qos.get_qos_specs(cinder_context.get_admin_context(),
                                        spec_id)
    return types_pb.QosSpec(
        consumer=str(spec["consumer"] or ""),
        specs={str(k): str(v) for k, v in (spec["specs"] or {}).items()})


def user_metadata(obj):
    """A volume's or snapshot's metadata as strings, read from Cinder's database when the object
    was handed over without it; {} for an object that cannot load it (no context).
    """
    if obj.obj_attr_is_set("metadata"):
        metadata = obj.metadata
    else:
        try:
            metadata = obj.metadata  # lazy-loaded from Cinder's database
        except (exception.OrphanedObjectError, exception.ObjectActionError):
            return {}
    return {str(k): str(v) for k, v in (metadata or {}).items()}


def volume_message(volume, with_group=False, with_metadata=False):
    """A Volume message; with_group (creates only) adds the generic group it is created in,
    with_metadata (creates only) volume.metadata (purebridge:restore_from and the like).
    """
    volume_type = _volume_type(volume)
    message = pb.Volume(
        id=volume.id,
        name_id=volume.name_id,
        name=volume.name,
        provider_id=volume.provider_id or "",
        size_gib=int(volume.size or 0),
        volume_type_extra_specs=type_extra_specs(volume_type),
        replication_status=volume.replication_status or "")
    spec = qos_spec(volume_type)
    if spec is not None:
        message.qos_spec.CopyFrom(spec)
    if with_group and volume.obj_attr_is_set("group_id") and volume.group_id:
        message.group.CopyFrom(group_message(volume.group))
    if with_metadata:
        message.metadata.update(user_metadata(volume))
    return message


def group_message(group):
    """A generic group with its group type's specs and its volume types' extra specs.

    The specs are read from Cinder's database as upstream reads them (group_types by id).
    """
    specs = group_types.get_group_type_specs(group.group_type_id) or {}
    return types_pb.Group(
        id=group.id,
        group_type_specs={str(k): str(v) for k, v in specs.items()},
        volume_types=[types_pb.VolumeTypeSpecs(extra_specs=type_extra_specs(vt))
                      for vt in (group.volume_types or [])],
        replication_status=getattr(group, "replication_status", None) or "")


def replicated_group(group, volumes):
    """A group with its volumes, for the group replication calls."""
    return pb.ReplicatedGroup(group=group_message(group),
                              volumes=[volume_message(v) for v in volumes or []])


def group_replication_update(volumes, update):
    """A group replication answer as Cinder's (model_update, volume_model_updates).

    The manager reads volume updates by 'id' (not 'volume_id' as in failover_host) and always
    expects a dict for the group's model update.
    """
    by_id = {volume.id: volume for volume in volumes or []}
    result = []
    for entry in update.volume_updates:
        model = _set_fields(entry, "status", "replication_status",
                            "provider_id")
        _with_metadata(model, by_id.get(entry.volume_id), entry)
        model["id"] = entry.volume_id
        result.append(model)
    return {"replication_status": update.replication_status}, result


def group_replication_errors(groups):
    """GetGroupReplicationErrors as get_replication_error_status' two lists."""
    group_updates, volume_updates = [], []
    for update in groups:
        group_updates.append({"group_id": update.group_id,
                              "replication_status": update.replication_status})
        for entry in update.volume_updates:
            volume_updates.append({"volume_id": entry.volume_id,
                                   "replication_status": entry.replication_status})
    return group_updates, volume_updates


def group_volume_updates(updates):
    """Group calls' per-volume answers as Cinder's [{'id': ..., 'status': ..., ...}]."""
    result = []
    for update in updates:
        model = {"id": update.volume_id, "status": update.status}
        if update.HasField("model_update"):
            model.update(volume_model_update(None, update.model_update) or {})
        result.append(model)
    return result


def group_snapshot_updates(updates):
    """Group snapshot calls' per-snapshot answers as Cinder's list of dicts."""
    result = []
    for update in updates:
        model = {"id": update.snapshot_id, "status": update.status}
        if update.HasField("model_update"):
            model.update(snapshot_model_update(None, update.model_update) or {})
        result.append(model)
    return result


def volume_reference(volume):
    """A Volume message naming the volume only (no type): enough to know its array name."""
    return pb.Volume(id=volume.id, name_id=volume.name_id, name=volume.name,
                     provider_id=volume.provider_id or "",
                     size_gib=int(volume.size or 0))


def snapshot_reference(snapshot):
    return pb.Snapshot(id=snapshot.id, name=snapshot.name,
                       provider_id=snapshot.provider_id or "",
                       volume=volume_reference(snapshot.volume),
                       volume_size_gib=int(snapshot.volume_size or 0))


def manageable_entries(objects, snapshots=False):
    """ManageableObjects as Cinder's manageable-list entries (before paging)."""
    result = []
    for obj in objects:
        entry = {"reference": {"name": obj.name},
                 "size": int(obj.size_gib),
                 "safe_to_manage": obj.safe_to_manage,
                 "reason_not_safe": obj.reason_not_safe or None,
                 "cinder_id": obj.cinder_id or None,
                 "extra_info": None}
        if snapshots:
            entry["source_reference"] = {"name": obj.source_name}
        result.append(entry)
    return result


def snapshot_message(snapshot, with_metadata=False):
    """A Snapshot message; with_metadata (creates) adds snapshot.metadata: purebridge:offload
    asks for an offloaded copy, offload_target/offloaded_snapshot say where one lies.
    """
    message = pb.Snapshot(
        id=snapshot.id,
        name=snapshot.name,
        provider_id=snapshot.provider_id or "",
        volume=volume_message(snapshot.volume),
        volume_size_gib=int(snapshot.volume_size or 0))
    if with_metadata:
        message.metadata.update(user_metadata(snapshot))
    return message


def connector_message(connector):
    return pb.Connector(
        host=connector.get("host") or "",
        initiator=connector.get("initiator") or "",
        wwpns=list(connector.get("wwpns") or []),
        wwnns=list(connector.get("wwnns") or []),
        nqn=connector.get("nqn") or "",
        system_uuid=connector.get("system uuid") or "",
        ip=connector.get("ip") or "",
        multipath=bool(connector.get("multipath")))


def _current_metadata(obj):
    if obj.obj_attr_is_set("metadata") and obj.metadata:
        return dict(obj.metadata)
    return {}


def _set_fields(update, *names):
    """The named fields of a response message that the service set (proto3: non-empty)."""
    return {name: getattr(update, name) for name in names
            if getattr(update, name)}


def _with_metadata(model, obj, update):
    """model plus the driver's metadata merged over the volume's or snapshot's current one."""
    if update.metadata:
        current = _current_metadata(obj) if obj is not None else {}
        model["metadata"] = {**current, **update.metadata}
    return model


def volume_model_update(volume, update):
    """A VolumeModelUpdate as Cinder's model update dict; driver metadata merged in."""
    model = _set_fields(update, "provider_id", "replication_status")
    return _with_metadata(model, volume, update) or None


def active_backend_id(backend_id):
    """Cinder's active_backend_id as the driver keeps it: None for the primary."""
    if backend_id in (None, "", "default"):
        return None
    return backend_id


def failover_groups(groups, volumes):
    """The replicated groups Cinder hands to failover, each with its volumes' ids."""
    result = []
    for group in groups or []:
        members = [v.id for v in volumes
                   if v.obj_attr_is_set("group_id") and v.group_id == group.id]
        result.append(pb.FailoverGroup(id=group.id, volume_ids=members))
    return result


def failover_volume_updates(volumes, updates):
    """Failover's answer as the manager's [{'volume_id': id, 'updates': {...}}]."""
    by_id = {volume.id: volume for volume in volumes}
    result = []
    for update in updates:
        model = _set_fields(update, "status", "replication_status",
                            "provider_id")
        _with_metadata(model, by_id.get(update.volume_id), update)
        result.append({"volume_id": update.volume_id, "updates": model})
    return result


def failover_group_updates(updates):
    """Failover's group answers as the manager's [{'group_id': id, 'updates': {...}}]."""
    result = []
    for update in updates:
        model = _set_fields(update, "status", "replication_status")
        result.append({"group_id": update.group_id, "updates": model})
    return result


def snapshot_model_update(snapshot, update):
    model = _set_fields(update, "provider_id")
    return _with_metadata(model, snapshot, update) or None


def provider_updates(objs, updates):
    """UpdateProviderInfo's answer as update_provider_info's list of dicts."""
    by_id = {obj.id: obj for obj in objs}
    result = []
    for update in updates:
        entry = {"id": update.id, "provider_id": update.provider_id}
        result.append(_with_metadata(entry, by_id.get(update.id), update))
    return result


def iscsi_connection(target):
    data = {
        "target_discovered": target.target_discovered,
        "discard": target.discard,
    }
    if target.addressing_mode:
        data["addressing_mode"] = target.addressing_mode
    if target.target_iqns:
        data["target_iqns"] = list(target.target_iqns)
        data["target_portals"] = list(target.target_portals)
        data["target_luns"] = list(target.target_luns)
    if target.wwn:
        data["wwn"] = target.wwn
    if target.auth_method:
        data["auth_method"] = target.auth_method
        data["auth_username"] = target.auth_username
        data["auth_password"] = target.auth_password
    return {"driver_volume_type": "iscsi", "data": data}


def _initiator_target_map(target):
    return {initiator: list(wwns.wwns)
            for initiator, wwns in target.initiator_target_map.items()}


def fc_connection(target):
    luns = list(target.target_luns)
    wwns = list(target.target_wwns)
    data = {
        "target_discovered": target.target_discovered,
        "target_luns": luns,
        "target_wwn": wwns,
        "target_wwns": wwns,
        "initiator_target_map": _initiator_target_map(target),
        "discard": target.discard,
    }
    if luns:
        data["target_lun"] = luns[0]
    if target.addressing_mode:
        data["addressing_mode"] = target.addressing_mode
    if target.wwn:
        data["wwn"] = target.wwn
    return {"driver_volume_type": "fibre_channel", "data": data}


def fc_disconnection(info):
    """terminate_connection's FC answer: zones to remove once the host has no connection."""
    data = {}
    if info is not None and info.WhichOneof("target") == "fibre_channel":
        target = info.fibre_channel
        if target.target_wwns:
            data["target_wwn"] = list(target.target_wwns)
            data["initiator_target_map"] = _initiator_target_map(target)
    return {"driver_volume_type": "fibre_channel", "data": data}


def nvme_connection(target):
    data = {
        "target_nqn": target.target_nqn,
        "portals": [(p.address, p.port, p.transport) for p in target.portals],
        "discard": target.discard,
    }
    if target.volume_nguid:
        data["volume_nguid"] = target.volume_nguid
    return {"driver_volume_type": "nvmeof", "data": data}


_INT = re.compile(r"^-?[0-9]+$")
_FLOAT = re.compile(r"^-?[0-9]*\.[0-9]+([eE][-+]?[0-9]+)?$|^-?[0-9]+[eE][-+]?[0-9]+$")


def _typed(value):
    """VolumeStats.extra values arrive as strings; give Cinder's scheduler real types.

    Only plain literals convert: "infinite"/"unknown" capacities stay strings.
    """
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.match(lowered):
        return int(lowered)
    if _FLOAT.match(lowered):
        return float(lowered)
    return value


def volume_stats(stats):
    data = {
        "volume_backend_name": stats.volume_backend_name,
        "vendor_name": stats.vendor_name,
        "driver_version": stats.driver_version,
        "storage_protocol": stats.storage_protocol,
        "total_capacity_gb": stats.total_capacity_gb,
        "free_capacity_gb": stats.free_capacity_gb,
        "provisioned_capacity_gb": stats.provisioned_capacity_gb,
        "reserved_percentage": stats.reserved_percentage,
        "max_over_subscription_ratio": stats.max_over_subscription_ratio,
        "thin_provisioning_support": stats.thin_provisioning_support,
        "multiattach": stats.multiattach,
        "total_volumes": stats.total_volumes,
        "total_snapshots": stats.total_snapshots,
        "total_hosts": stats.total_hosts,
        "total_pgroups": stats.total_pgroups,
        "replication_enabled": stats.replication_enabled,
        "replication_type": list(stats.replication_type),
        "replication_count": stats.replication_count,
        "replication_targets": list(stats.replication_targets),
        "data_reduction_ratio": stats.data_reduction_ratio,
    }
    for key, value in stats.extra.items():
        data[key] = _typed(value)
    return data
