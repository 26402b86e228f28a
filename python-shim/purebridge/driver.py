"""Cinder volume drivers for Pure FlashArray-style storage behind the purebridge service.

Use one of PureISCSIDriver, PureFCDriver or PureNVMEDriver as volume_driver in a backend section
that otherwise reads like the upstream Pure driver's (san_ip, pure_api_token, replication_device,
pure_*). Every method converts Cinder objects to a request, calls the service and converts the
answer back: the service holds all decisions (naming, replication, host handling).

Version history:
    0.1.0 - Volumes, snapshots, clones, revert, attach (iSCSI, FC, NVMe), manage, stats,
            image copies through the service for simulated arrays, retype between
            replication modes (none, async, sync, trisync).
    0.2.0 - Replication failover and failback: failover_host, and failover +
            failover_completed for active-active clusters.
    0.3.0 - QoS from volume types, volume groups from extra specs, host personality at
            attach, consistency groups (generic groups with consistent snapshots).
    0.4.0 - Group replication (Tiramisu): enable_replication, disable_replication,
            failover_replication and get_replication_error_status for consistency groups
            of async replicated volume types.
            Snapshot offload to S3: purebridge:offload_* volume-type extra specs, snapshot
            metadata purebridge:offload, volumes restored from offloaded snapshots
            (purebridge:restore_from, or a from-snapshot whose array snapshot is gone).
"""

from oslo_log import log as logging

from cinder import exception
from cinder.i18n import _
from cinder import interface
from cinder.volume import driver
from cinder.volume.drivers.san import san
from cinder.volume import volume_utils
from cinder.zonemanager import utils as fczm_utils

from purebridge import client as pb_client
from purebridge import convert
from purebridge import credentials
from purebridge import data_path
from purebridge import options
from purebridge.v1 import volume_driver_pb2 as pb

LOG = logging.getLogger(__name__)

# Cinder options that belong to the shim only; the service never needs them.
_SHIM_ONLY_OPTIONS = frozenset(o.name for o in options.PUREBRIDGE_OPTS)


class PureBaseVolumeDriver(driver.VolumeDriver):
    """Everything but the protocol: forwards each call to the purebridge service."""

    VERSION = "0.4.0"
    CI_WIKI_NAME = "purebridge_CI"
    # The service is stateless toward arrays, so several cinder-volume hosts may share a backend.
    SUPPORTS_ACTIVE_ACTIVE = True

    _storage_protocol = pb.STORAGE_PROTOCOL_UNSPECIFIED

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(san.san_opts)
        self.configuration.append_config_values(options.PURE_OPTS)
        self.configuration.append_config_values(options.PUREBRIDGE_OPTS)
        self._active_backend_id = kwargs.get("active_backend_id")
        # Tests pass client_factory(endpoint, timeout) to tune retries; Cinder never does.
        self._client_factory = (kwargs.get("client_factory") or
                                pb_client.PureBridgeClient)
        self._client = None

    @staticmethod
    def get_driver_options():
        return options.all_opts()

    # -- setup --------------------------------------------------------------------------------

    def _backend_name(self):
        return (self.configuration.config_group or
                self.configuration.safe_get("volume_backend_name") or
                self.__class__.__name__)

    def _protocol(self):
        return self._storage_protocol

    def _backend_options(self):
        names = [opt.name for opt in options.all_opts()]
        names += ["volume_backend_name"]
        result = {}
        for name in names:
            if name == "replication_device" or name in _SHIM_ONLY_OPTIONS:
                continue
            value = self.configuration.safe_get(name)
            if value is not None:
                result[name] = convert.option_string(value)
        return result

    def _replication_devices(self):
        try:
            devices = self.configuration.safe_get("replication_device") or []
        except ValueError as exc:
            # oslo.config parses each line as a dict; a line without key:value pairs fails here.
            raise exception.InvalidInput(reason=_(
                "replication_device in [%(section)s] is malformed (%(error)s); "
                "expected backend_id:ID,san_ip:ADDR,api_token:TOKEN[,type:"
                "sync|async][,uniform:true|false]")
                % {"section": self._backend_name(),
                   "error": type(exc).__name__}) from None
        return [pb.ReplicationDevice(
                    settings={str(k): convert.option_string(v)
                              for k, v in (device or {}).items()})
                for device in devices]

    def _make_client(self):
        endpoint = self.configuration.safe_get("purebridge_endpoint")
        timeout = self.configuration.safe_get("purebridge_timeout")
        ca_file = self.configuration.safe_get("purebridge_tls_ca_file")
        if not ca_file:
            return self._client_factory(endpoint, timeout)
        try:
            factory = credentials.tls_channel_factory(
                ca_file,
                self.configuration.safe_get("purebridge_tls_cert_file"),
                self.configuration.safe_get("purebridge_tls_key_file"),
                options=pb_client.CHANNEL_OPTIONS)
        except ValueError as e:
            raise exception.InvalidInput(reason=str(e)) from e
        return self._client_factory(endpoint, timeout,
                                    channel_factory=factory)

    def do_setup(self, context):
        if self._client is None:
            self._client = self._make_client()
        request = pb.RegisterBackendRequest(
            backend_name=self._backend_name(),
            protocol=self._protocol(),
            options=self._backend_options(),
            replication_devices=self._replication_devices(),
            active_backend_id=self._active_backend_id or "",
            cinder_host=self.host or "")
        response = self._client.register_backend(request)
        LOG.info("purebridge: backend %(backend)s registered with the service "
                 "at %(endpoint)s: array %(array)s, active backend "
                 "%(active)s.",
                 {"backend": request.backend_name,
                  "endpoint": self._client.endpoint,
                  "array": response.array_name,
                  "active": response.active_backend_id or "primary"})

    def check_for_setup_error(self):
        # RegisterBackend already validated the section and reached every array.
        pass

    def _call(self, rpc, request, volume=None, snapshot=None,
              existing_ref=None):
        subject = {}
        if volume is not None:
            subject.update(volume_id=volume.id, volume_name=volume.name)
        if snapshot is not None:
            subject.update(snapshot_id=snapshot.id,
                           snapshot_name=snapshot.name)
        if existing_ref is not None:
            subject["existing_ref"] = existing_ref
        return self._client.call(rpc, request, **subject)

    # -- volumes and snapshots ----------------------------------------------------------------

    def create_volume(self, volume):
        response = self._call("CreateVolume", pb.CreateVolumeRequest(
            backend_name=self._backend_name(),
            volume=convert.volume_message(volume, with_group=True,
                                          with_metadata=True)), volume=volume)
        return convert.volume_model_update(volume, response.model_update)

    def delete_volume(self, volume):
        try:
            self._call("DeleteVolume", pb.DeleteVolumeRequest(
                backend_name=self._backend_name(),
                volume=convert.volume_message(volume)), volume=volume)
        except exception.VolumeNotFound:
            LOG.warning("purebridge: volume %s is already gone from the "
                        "array; delete succeeds.", volume.id)

    def extend_volume(self, volume, new_size):
        self._call("ExtendVolume", pb.ExtendVolumeRequest(
            backend_name=self._backend_name(),
            volume=convert.volume_message(volume),
            new_size_gib=int(new_size)), volume=volume)

    def create_volume_from_snapshot(self, volume, snapshot):
        response = self._call(
            "CreateVolumeFromSnapshot", pb.CreateVolumeFromSnapshotRequest(
                backend_name=self._backend_name(),
                volume=convert.volume_message(volume, with_group=True),
                snapshot=convert.snapshot_message(snapshot,
                                                  with_metadata=True)),
            volume=volume, snapshot=snapshot)
        return convert.volume_model_update(volume, response.model_update)

    def create_cloned_volume(self, volume, src_vref):
        response = self._call(
            "CreateClonedVolume", pb.CreateClonedVolumeRequest(
                backend_name=self._backend_name(),
                volume=convert.volume_message(volume, with_group=True),
                source_volume=convert.volume_message(src_vref)),
            volume=volume)
        return convert.volume_model_update(volume, response.model_update)

    def revert_to_snapshot(self, context, volume, snapshot):
        self._call("RevertToSnapshot", pb.RevertToSnapshotRequest(
            backend_name=self._backend_name(),
            volume=convert.volume_message(volume),
            snapshot=convert.snapshot_message(snapshot)),
            volume=volume, snapshot=snapshot)

    def create_snapshot(self, snapshot):
        response = self._call("CreateSnapshot", pb.CreateSnapshotRequest(
            backend_name=self._backend_name(),
            snapshot=convert.snapshot_message(snapshot, with_metadata=True)),
            snapshot=snapshot)
        return convert.snapshot_model_update(snapshot, response.model_update)

    def delete_snapshot(self, snapshot):
        try:
            self._call("DeleteSnapshot", pb.DeleteSnapshotRequest(
                backend_name=self._backend_name(),
                snapshot=convert.snapshot_message(snapshot)),
                snapshot=snapshot)
        except exception.SnapshotNotFound:
            LOG.warning("purebridge: snapshot %s is already gone from the "
                        "array; delete succeeds.", snapshot.id)

    def retype(self, context, volume, new_type, diff, host):
        """Changes the volume's replication in place to what new_type's extra specs ask for.

        Cinder calls this only for a host of this backend; the service moves the volume between
        none, async, sync and trisync without copying data through the host.
        """
        request = pb.RetypeRequest(
            backend_name=self._backend_name(),
            volume=convert.volume_message(volume),
            new_volume_type_extra_specs=convert.type_extra_specs(new_type))
        new_qos = convert.qos_spec(new_type)
        if new_qos is not None:
            request.new_qos_spec.CopyFrom(new_qos)
        response = self._call("Retype", request, volume=volume)
        return True, convert.volume_model_update(volume, response.model_update)

    # -- replication failover -----------------------------------------------------------------

    def failover_host(self, context, volumes, secondary_id=None, groups=None):
        """Fails the whole backend over to secondary_id ("default": back to the primary).

        The service brings the volumes up on the target (or ships them back), then this driver
        switches to it, as failover followed by failover_completed on an active-active cluster.
        """
        active, volume_updates, group_updates = self.failover(
            context, volumes, secondary_id=secondary_id, groups=groups)
        self.failover_completed(context, active)
        return active, volume_updates, group_updates

    def failover(self, context, volumes, secondary_id=None, groups=None):
        """Storage side of a failover; the driver keeps serving its current array until
        failover_completed.
        """
        response = self._call("Failover", pb.FailoverRequest(
            backend_name=self._backend_name(),
            volumes=[convert.volume_message(v) for v in volumes],
            secondary_id=secondary_id or "",
            groups=convert.failover_groups(groups, volumes)))
        for update in response.volume_updates:
            if update.status == "error":
                LOG.warning("purebridge: volume %(vol)s could not be moved to "
                            "%(target)s: %(detail)s",
                            {"vol": update.volume_id,
                             "target": secondary_id or "the chosen target",
                             "detail": update.detail})
        LOG.info("purebridge: backend %(backend)s: failover to %(target)s done "
                 "(%(count)d volumes).",
                 {"backend": self._backend_name(),
                  "target": response.active_backend_id,
                  "count": len(response.volume_updates)})
        return (response.active_backend_id,
                convert.failover_volume_updates(volumes,
                                                response.volume_updates),
                convert.failover_group_updates(response.group_updates))

    def failover_completed(self, context, active_backend_id=None):
        """Switches this driver to active_backend_id ("", None, "default": the primary).

        This is the registration a cinder-volume restarted with that active_backend_id makes, so
        both come up the same way; repeating it changes nothing.
        """
        target = convert.active_backend_id(active_backend_id)
        previous = self._active_backend_id
        self._active_backend_id = target
        try:
            self.do_setup(context)
        except Exception:
            self._active_backend_id = previous
            raise

    # -- generic volume groups ----------------------------------------------------------------
    # Groups whose type lacks consistent_group_snapshot_enabled answer UNIMPLEMENTED, raised here
    # as NotImplementedError: Cinder's manager then runs its generic group code, as upstream.

    def create_group(self, context, group):
        response = self._call("CreateGroup", pb.CreateGroupRequest(
            backend_name=self._backend_name(),
            group=convert.group_message(group)))
        return {"status": response.status}

    def delete_group(self, context, group, volumes):
        response = self._call("DeleteGroup", pb.DeleteGroupRequest(
            backend_name=self._backend_name(),
            group=convert.group_message(group),
            volumes=[convert.volume_message(v) for v in volumes]))
        return ({"status": response.status},
                convert.group_volume_updates(response.volume_updates))

    def update_group(self, context, group, add_volumes=None,
                     remove_volumes=None):
        self._call("UpdateGroup", pb.UpdateGroupRequest(
            backend_name=self._backend_name(),
            group=convert.group_message(group),
            add_volumes=[convert.volume_message(v)
                         for v in add_volumes or []],
            remove_volumes=[convert.volume_message(v)
                            for v in remove_volumes or []]))
        return None, None, None

    def create_group_from_src(self, context, group, volumes,
                              group_snapshot=None, snapshots=None,
                              source_group=None, source_vols=None):
        request = pb.CreateGroupFromSourceRequest(
            backend_name=self._backend_name(),
            group=convert.group_message(group),
            volumes=[convert.volume_message(v) for v in volumes])
        if group_snapshot is not None:
            request.group_snapshot.snapshots.extend(
                convert.snapshot_message(s) for s in snapshots or [])
        elif source_group is not None:
            request.source_group.group.CopyFrom(
                convert.group_message(source_group))
            request.source_group.volumes.extend(
                convert.volume_message(v) for v in source_vols or [])
        response = self._call("CreateGroupFromSource", request)
        return ({"status": response.status},
                convert.group_volume_updates(response.volume_updates))

    def create_group_snapshot(self, context, group_snapshot, snapshots):
        return self._group_snapshot_call("CreateGroupSnapshot",
                                         pb.CreateGroupSnapshotRequest,
                                         group_snapshot, snapshots)

    def delete_group_snapshot(self, context, group_snapshot, snapshots):
        return self._group_snapshot_call("DeleteGroupSnapshot",
                                         pb.DeleteGroupSnapshotRequest,
                                         group_snapshot, snapshots)

    def _group_snapshot_call(self, rpc, request_type, group_snapshot,
                             snapshots):
        response = self._call(rpc, request_type(
            backend_name=self._backend_name(),
            group=convert.group_message(group_snapshot.group),
            group_snapshot_id=group_snapshot.id,
            snapshots=[convert.snapshot_message(s) for s in snapshots]))
        return ({"status": response.status},
                convert.group_snapshot_updates(response.snapshot_updates))

    # -- group replication (Tiramisu) ---------------------------------------------------------
    # Group types with consistent_group_replication_enabled: the service replicates the group's
    # protection group and fails its volumes over together, the rest of the backend staying put.

    def _group_replication(self, rpc, group, volumes, secondary_backend_id=""):
        response = self._call(rpc, pb.GroupReplicationRequest(
            backend_name=self._backend_name(),
            groups=[convert.replicated_group(group, volumes)],
            secondary_backend_id=secondary_backend_id or ""))
        for entry in response.update.volume_updates:
            if entry.status == "error" or entry.replication_status == "error":
                LOG.warning("purebridge: volume %(vol)s of group %(group)s: "
                            "%(rpc)s failed: %(detail)s",
                            {"vol": entry.volume_id, "group": group.id,
                             "rpc": rpc, "detail": entry.detail})
        return convert.group_replication_update(volumes, response.update)

    def enable_replication(self, context, group, volumes):
        return self._group_replication("EnableGroupReplication", group,
                                       volumes)

    def disable_replication(self, context, group, volumes):
        return self._group_replication("DisableGroupReplication", group,
                                       volumes)

    def failover_replication(self, context, group, volumes,
                             secondary_backend_id=None):
        """Fails the group's volumes over together to secondary_backend_id ("default": back).

        Only this group moves: the backend keeps serving every other volume from its array.
        """
        return self._group_replication("FailoverGroupReplication", group,
                                       volumes, secondary_backend_id)

    def get_replication_error_status(self, context, groups):
        response = self._call("GetGroupReplicationErrors",
                              pb.GroupReplicationRequest(
                                  backend_name=self._backend_name(),
                                  groups=[convert.replicated_group(
                                      g, g.volumes) for g in groups or []]))
        return convert.group_replication_errors(response.groups)

    # -- data paths -----------------------------------------------------------------------------

    def _streams_through_service(self):
        # A simulated array (san_ip = sim://NAME) has no SCSI or NVMe target to attach, so its
        # bytes travel through the service; a real array's travel through the attached volume.
        return (self.configuration.safe_get("san_ip") or "").startswith("sim://")

    def copy_image_to_volume(self, context, volume, image_service, image_id,
                             disable_sparse=False):
        if not self._streams_through_service():
            return super().copy_image_to_volume(
                context, volume, image_service, image_id,
                disable_sparse=disable_sparse)
        data_path.copy_image_to_volume(self._client, self._backend_name(),
                                       volume, image_service, image_id,
                                       context)

    def copy_volume_to_image(self, context, volume, image_service, image_meta):
        if not self._streams_through_service():
            return super().copy_volume_to_image(context, volume, image_service,
                                                image_meta)
        data_path.copy_volume_to_image(self._client, self._backend_name(),
                                       volume, image_service, image_meta,
                                       context)

    # -- exports and attach -------------------------------------------------------------------

    def create_export(self, context, volume, connector):
        pass

    def ensure_export(self, context, volume):
        pass

    def remove_export(self, context, volume):
        pass

    def _initialize(self, volume, connector):
        response = self._call(
            "InitializeConnection", pb.InitializeConnectionRequest(
                backend_name=self._backend_name(),
                volume=convert.volume_message(volume),
                connector=convert.connector_message(connector)),
            volume=volume)
        return response.connection_info

    def _terminate(self, volume, connector):
        request = pb.TerminateConnectionRequest(
            backend_name=self._backend_name(),
            volume=convert.volume_message(volume))
        if connector is not None:
            request.connector.CopyFrom(convert.connector_message(connector))
        else:
            LOG.info("purebridge: force detach of volume %s from every host.",
                     volume.id)
        response = self._call("TerminateConnection", request, volume=volume)
        if response.HasField("connection_info"):
            return response.connection_info
        return None

    def _expect_target(self, info, kind, volume):
        if info.WhichOneof("target") != kind:
            raise exception.VolumeDriverException(message=_(
                "purebridge service answered InitializeConnection for volume "
                "%(vol)s with a %(got)s target, expected %(want)s: the "
                "backend registered with another protocol; restart "
                "cinder-volume.")
                % {"vol": volume.id, "got": info.WhichOneof("target"),
                   "want": kind})
        return getattr(info, kind)

    def terminate_connection(self, volume, connector, **kwargs):
        self._terminate(volume, connector)

    # -- stats --------------------------------------------------------------------------------

    def _update_volume_stats(self):
        response = self._call("GetVolumeStats", pb.GetVolumeStatsRequest(
            backend_name=self._backend_name()))
        data = convert.volume_stats(response.stats)
        if not data["volume_backend_name"]:
            data["volume_backend_name"] = (
                self.configuration.safe_get("volume_backend_name") or
                self.__class__.__name__)
        data["filter_function"] = self.get_filter_function()
        data["goodness_function"] = self.get_goodness_function()
        self._stats = data

    # -- manage and unmanage ------------------------------------------------------------------

    @staticmethod
    def _source_name(existing_ref):
        name = (existing_ref or {}).get("source-name")
        if not name:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref,
                reason=_("manage needs the array object's name as "
                         "source-name, e.g. --id-type source-name"))
        return name

    def manage_existing(self, volume, existing_ref):
        response = self._call("ManageExisting", pb.ManageExistingRequest(
            backend_name=self._backend_name(),
            volume=convert.volume_message(volume),
            source_name=self._source_name(existing_ref)),
            volume=volume, existing_ref=existing_ref)
        return convert.volume_model_update(volume, response.model_update)

    def manage_existing_get_size(self, volume, existing_ref):
        response = self._call(
            "ManageExistingGetSize", pb.ManageExistingGetSizeRequest(
                backend_name=self._backend_name(),
                source_name=self._source_name(existing_ref)),
            volume=volume, existing_ref=existing_ref)
        return int(response.size_gib)

    def unmanage(self, volume):
        try:
            self._call("Unmanage", pb.UnmanageRequest(
                backend_name=self._backend_name(),
                volume=convert.volume_message(volume)), volume=volume)
        except exception.VolumeNotFound:
            LOG.warning("purebridge: volume %s is not on the array; "
                        "unmanage succeeds.", volume.id)

    def manage_existing_snapshot(self, snapshot, existing_ref):
        response = self._call(
            "ManageExistingSnapshot", pb.ManageExistingSnapshotRequest(
                backend_name=self._backend_name(),
                snapshot=convert.snapshot_message(snapshot),
                source_name=self._source_name(existing_ref)),
            snapshot=snapshot, existing_ref=existing_ref)
        return convert.snapshot_model_update(snapshot, response.model_update)

    def manage_existing_snapshot_get_size(self, snapshot, existing_ref):
        response = self._call(
            "ManageExistingSnapshotGetSize",
            pb.ManageExistingSnapshotGetSizeRequest(
                backend_name=self._backend_name(),
                source_name=self._source_name(existing_ref)),
            snapshot=snapshot, existing_ref=existing_ref)
        return int(response.size_gib)

    def unmanage_snapshot(self, snapshot):
        try:
            self._call("UnmanageSnapshot", pb.UnmanageSnapshotRequest(
                backend_name=self._backend_name(),
                snapshot=convert.snapshot_message(snapshot)),
                snapshot=snapshot)
        except exception.SnapshotNotFound:
            LOG.warning("purebridge: snapshot %s is not on the array; "
                        "unmanage succeeds.", snapshot.id)

    def get_manageable_volumes(self, cinder_volumes, marker, limit, offset,
                               sort_keys, sort_dirs):
        response = self._call(
            "GetManageableVolumes", pb.GetManageableVolumesRequest(
                backend_name=self._backend_name(),
                cinder_volumes=[convert.volume_reference(v)
                                for v in cinder_volumes]))
        return volume_utils.paginate_entries_list(
            convert.manageable_entries(response.volumes), marker, limit,
            offset, sort_keys, sort_dirs)

    def get_manageable_snapshots(self, cinder_snapshots, marker, limit,
                                 offset, sort_keys, sort_dirs):
        response = self._call(
            "GetManageableSnapshots", pb.GetManageableSnapshotsRequest(
                backend_name=self._backend_name(),
                cinder_snapshots=[convert.snapshot_reference(s)
                                  for s in cinder_snapshots]))
        return volume_utils.paginate_entries_list(
            convert.manageable_entries(response.snapshots, snapshots=True),
            marker, limit, offset, sort_keys, sort_dirs)

    def update_provider_info(self, volumes, snapshots):
        response = self._call(
            "UpdateProviderInfo", pb.UpdateProviderInfoRequest(
                backend_name=self._backend_name(),
                volumes=[convert.volume_message(v) for v in volumes],
                snapshots=[convert.snapshot_message(s) for s in snapshots]))
        return (convert.provider_updates(volumes, response.volume_updates),
                convert.provider_updates(snapshots,
                                         response.snapshot_updates))


@interface.volumedriver
class PureISCSIDriver(PureBaseVolumeDriver):
    """iSCSI attach through the purebridge service."""

    _storage_protocol = pb.STORAGE_PROTOCOL_ISCSI

    def initialize_connection(self, volume, connector):
        info = self._initialize(volume, connector)
        return convert.iscsi_connection(
            self._expect_target(info, "iscsi", volume))


@interface.volumedriver
class PureFCDriver(PureBaseVolumeDriver):
    """Fibre Channel attach through the purebridge service; drives Cinder's zone manager."""

    _storage_protocol = pb.STORAGE_PROTOCOL_FC

    def initialize_connection(self, volume, connector):
        info = self._initialize(volume, connector)
        properties = convert.fc_connection(
            self._expect_target(info, "fibre_channel", volume))
        fczm_utils.add_fc_zone(properties)
        return properties

    def terminate_connection(self, volume, connector, **kwargs):
        properties = convert.fc_disconnection(
            self._terminate(volume, connector))
        fczm_utils.remove_fc_zone(properties)
        return properties


@interface.volumedriver
class PureNVMEDriver(PureBaseVolumeDriver):
    """NVMe-oF (RoCE or TCP, by pure_nvme_transport) attach through the purebridge service."""

    def _protocol(self):
        if self.configuration.safe_get("pure_nvme_transport") == "tcp":
            return pb.STORAGE_PROTOCOL_NVME_TCP
        return pb.STORAGE_PROTOCOL_NVME_ROCE

    def initialize_connection(self, volume, connector):
        info = self._initialize(volume, connector)
        return convert.nvme_connection(
            self._expect_target(info, "nvmeof", volume))
