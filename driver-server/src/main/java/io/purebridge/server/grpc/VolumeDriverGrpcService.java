package io.purebridge.server.grpc;

import io.grpc.stub.StreamObserver;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderGroup;
import io.purebridge.engine.cinder.VolumeModelUpdate;
import io.purebridge.server.mapping.GroupMapper;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.CreateGroupFromSourceRequest;
import io.purebridge.v1.CreateGroupFromSourceResponse;
import io.purebridge.v1.CreateGroupRequest;
import io.purebridge.v1.CreateGroupResponse;
import io.purebridge.v1.CreateGroupSnapshotRequest;
import io.purebridge.v1.CreateGroupSnapshotResponse;
import io.purebridge.v1.DeleteGroupRequest;
import io.purebridge.v1.GetManageableSnapshotsRequest;
import io.purebridge.v1.GetManageableSnapshotsResponse;
import io.purebridge.v1.GetManageableVolumesRequest;
import io.purebridge.v1.GetManageableVolumesResponse;
import io.purebridge.v1.DeleteGroupResponse;
import io.purebridge.engine.cinder.ReplicatedGroup;
import io.purebridge.v1.DisableGroupReplicationResponse;
import io.purebridge.v1.EnableGroupReplicationResponse;
import io.purebridge.v1.FailoverGroupReplicationResponse;
import io.purebridge.v1.GetGroupReplicationErrorsResponse;
import io.purebridge.v1.GroupReplicationRequest;
import io.purebridge.v1.DeleteGroupSnapshotRequest;
import io.purebridge.v1.DeleteGroupSnapshotResponse;
import io.purebridge.v1.UpdateGroupRequest;
import io.purebridge.v1.UpdateGroupResponse;
import java.util.List;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.ConnectionProperties;
import io.purebridge.engine.cinder.HostConnector;
import io.purebridge.server.mapping.RequestMapper;
import io.purebridge.server.mapping.ResponseMapper;
import io.purebridge.server.security.BackendCredentials;
import io.purebridge.server.security.CallAuthenticator;
import io.purebridge.v1.CreateClonedVolumeRequest;
import io.purebridge.v1.CreateClonedVolumeResponse;
import io.purebridge.v1.CreateSnapshotRequest;
import io.purebridge.v1.CreateSnapshotResponse;
import io.purebridge.v1.CreateVolumeFromSnapshotRequest;
import io.purebridge.v1.CreateVolumeFromSnapshotResponse;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.CreateVolumeResponse;
import io.purebridge.v1.DeleteSnapshotRequest;
import io.purebridge.v1.DeleteSnapshotResponse;
import io.purebridge.v1.DeleteVolumeRequest;
import io.purebridge.v1.DeleteVolumeResponse;
import io.purebridge.v1.ExtendVolumeRequest;
import io.purebridge.v1.ExtendVolumeResponse;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.GetVolumeStatsResponse;
import io.purebridge.v1.InitializeConnectionRequest;
import io.purebridge.v1.InitializeConnectionResponse;
import io.purebridge.v1.ManageExistingGetSizeRequest;
import io.purebridge.v1.ManageExistingGetSizeResponse;
import io.purebridge.v1.ManageExistingRequest;
import io.purebridge.v1.ManageExistingResponse;
import io.purebridge.v1.ManageExistingSnapshotGetSizeRequest;
import io.purebridge.v1.ManageExistingSnapshotGetSizeResponse;
import io.purebridge.v1.ManageExistingSnapshotRequest;
import io.purebridge.v1.ManageExistingSnapshotResponse;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.RegisterBackendResponse;
import io.purebridge.server.mapping.FailoverMapper;
import io.purebridge.v1.FailoverRequest;
import io.purebridge.v1.FailoverResponse;
import io.purebridge.v1.RetypeRequest;
import io.purebridge.v1.RetypeResponse;
import io.purebridge.v1.RevertToSnapshotRequest;
import io.purebridge.v1.RevertToSnapshotResponse;
import io.purebridge.v1.TerminateConnectionRequest;
import io.purebridge.v1.TerminateConnectionResponse;
import io.purebridge.v1.UnmanageRequest;
import io.purebridge.v1.UnmanageResponse;
import io.purebridge.v1.UnmanageSnapshotRequest;
import io.purebridge.v1.UnmanageSnapshotResponse;
import io.purebridge.v1.UpdateProviderInfoRequest;
import io.purebridge.v1.UpdateProviderInfoResponse;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.util.Objects;
import java.util.Optional;

/**
 * The gRPC adapter of the engine's Cinder API: each RPC maps its request to engine records, calls
 * the named backend and maps the answer back. No decisions are made here. Every call completes
 * through {@code onCompleted} or {@code onError} (an escaped exception would reach the client as a
 * bare UNKNOWN), with errors translated by {@link StatusMapper}.
 */
public final class VolumeDriverGrpcService extends VolumeDriverServiceGrpc.VolumeDriverServiceImplBase {
    private final BackendRegistry registry;
    private final StatusMapper statusMapper;
    private final BackendCredentials credentials;

    public VolumeDriverGrpcService(BackendRegistry registry, StatusMapper statusMapper) {
        this(registry, statusMapper, new BackendCredentials());
    }

    /** @param credentials issues each registered backend's call credential (checked by CallAuthenticator) */
    public VolumeDriverGrpcService(BackendRegistry registry, StatusMapper statusMapper,
            BackendCredentials credentials) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /** The credentials this service issues at RegisterBackend. */
    public BackendCredentials credentials() {
        return credentials;
    }

    @Override
    public void registerBackend(RegisterBackendRequest request, StreamObserver<RegisterBackendResponse> out) {
        statusMapper.respond("RegisterBackend", out, () -> credentials.register(request, CallAuthenticator.presented(),
                () -> ResponseMapper.registered(registry.register(RequestMapper.backendConfig(request))),
                () -> registry.primaryArrayId(RequestMapper.backendConfig(request))));
    }

    @Override
    public void createVolume(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> out) {
        statusMapper.respond("CreateVolume", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            return CreateVolumeResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.volumeUpdate(backend.createVolume(volume)))
                    .build();
        });
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> out) {
        statusMapper.respond("DeleteVolume", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            backend.deleteVolume(RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume"));
            return DeleteVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void extendVolume(ExtendVolumeRequest request, StreamObserver<ExtendVolumeResponse> out) {
        statusMapper.respond("ExtendVolume", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            backend.extendVolume(volume, request.getNewSizeGib());
            return ExtendVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void createVolumeFromSnapshot(CreateVolumeFromSnapshotRequest request,
            StreamObserver<CreateVolumeFromSnapshotResponse> out) {
        statusMapper.respond("CreateVolumeFromSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            CinderSnapshot snapshot = RequestMapper.snapshot(request.hasSnapshot(), request.getSnapshot(), "snapshot");
            return CreateVolumeFromSnapshotResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.volumeUpdate(backend.createVolumeFromSnapshot(volume, snapshot)))
                    .build();
        });
    }

    @Override
    public void createClonedVolume(CreateClonedVolumeRequest request, StreamObserver<CreateClonedVolumeResponse> out) {
        statusMapper.respond("CreateClonedVolume", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            CinderVolume source = RequestMapper.volume(request.hasSourceVolume(), request.getSourceVolume(),
                    "source_volume");
            return CreateClonedVolumeResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.volumeUpdate(backend.createClonedVolume(volume, source)))
                    .build();
        });
    }

    @Override
    public void revertToSnapshot(RevertToSnapshotRequest request, StreamObserver<RevertToSnapshotResponse> out) {
        statusMapper.respond("RevertToSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            CinderSnapshot snapshot = RequestMapper.snapshot(request.hasSnapshot(), request.getSnapshot(), "snapshot");
            backend.revertToSnapshot(volume, snapshot);
            return RevertToSnapshotResponse.getDefaultInstance();
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<CreateSnapshotResponse> out) {
        statusMapper.respond("CreateSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderSnapshot snapshot = RequestMapper.snapshot(request.hasSnapshot(), request.getSnapshot(), "snapshot");
            return CreateSnapshotResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.snapshotUpdate(backend.createSnapshot(snapshot)))
                    .build();
        });
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> out) {
        statusMapper.respond("DeleteSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            backend.deleteSnapshot(RequestMapper.snapshot(request.hasSnapshot(), request.getSnapshot(), "snapshot"));
            return DeleteSnapshotResponse.getDefaultInstance();
        });
    }

    @Override
    public void initializeConnection(InitializeConnectionRequest request,
            StreamObserver<InitializeConnectionResponse> out) {
        statusMapper.respond("InitializeConnection", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            HostConnector connector = RequestMapper.connector(request.hasConnector(), request.getConnector(),
                    "connector");
            return InitializeConnectionResponse.newBuilder()
                    .setConnectionInfo(ResponseMapper.connectionInfo(backend.initializeConnection(volume, connector)))
                    .build();
        });
    }

    @Override
    public void terminateConnection(TerminateConnectionRequest request,
            StreamObserver<TerminateConnectionResponse> out) {
        statusMapper.respond("TerminateConnection", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            // An unset connector is Cinder's force detach.
            Optional<HostConnector> connector = request.hasConnector()
                    ? Optional.of(RequestMapper.connector(request.getConnector(), "connector"))
                    : Optional.empty();
            Optional<ConnectionProperties> zones = backend.terminateConnection(volume, connector);
            TerminateConnectionResponse.Builder response = TerminateConnectionResponse.newBuilder();
            zones.ifPresent(properties -> response.setConnectionInfo(ResponseMapper.connectionInfo(properties)));
            return response.build();
        });
    }

    @Override
    public void getVolumeStats(GetVolumeStatsRequest request, StreamObserver<GetVolumeStatsResponse> out) {
        statusMapper.respond("GetVolumeStats", out, () -> GetVolumeStatsResponse.newBuilder()
                .setStats(ResponseMapper.stats(backend(request.getBackendName()).volumeStats()))
                .build());
    }

    @Override
    public void manageExisting(ManageExistingRequest request, StreamObserver<ManageExistingResponse> out) {
        statusMapper.respond("ManageExisting", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            String sourceName = RequestMapper.sourceName(request.getSourceName());
            return ManageExistingResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.volumeUpdate(backend.manageExisting(volume, sourceName)))
                    .build();
        });
    }

    @Override
    public void manageExistingGetSize(ManageExistingGetSizeRequest request,
            StreamObserver<ManageExistingGetSizeResponse> out) {
        statusMapper.respond("ManageExistingGetSize", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            String sourceName = RequestMapper.sourceName(request.getSourceName());
            return ManageExistingGetSizeResponse.newBuilder()
                    .setSizeGib(backend.manageExistingGetSize(sourceName))
                    .build();
        });
    }

    @Override
    public void unmanage(UnmanageRequest request, StreamObserver<UnmanageResponse> out) {
        statusMapper.respond("Unmanage", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            backend.unmanage(RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume"));
            return UnmanageResponse.getDefaultInstance();
        });
    }

    @Override
    public void manageExistingSnapshot(ManageExistingSnapshotRequest request,
            StreamObserver<ManageExistingSnapshotResponse> out) {
        statusMapper.respond("ManageExistingSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderSnapshot snapshot = RequestMapper.snapshot(request.hasSnapshot(), request.getSnapshot(), "snapshot");
            String sourceName = RequestMapper.sourceName(request.getSourceName());
            return ManageExistingSnapshotResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.snapshotUpdate(backend.manageExistingSnapshot(snapshot, sourceName)))
                    .build();
        });
    }

    @Override
    public void manageExistingSnapshotGetSize(ManageExistingSnapshotGetSizeRequest request,
            StreamObserver<ManageExistingSnapshotGetSizeResponse> out) {
        statusMapper.respond("ManageExistingSnapshotGetSize", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            String sourceName = RequestMapper.sourceName(request.getSourceName());
            return ManageExistingSnapshotGetSizeResponse.newBuilder()
                    .setSizeGib(backend.manageExistingSnapshotGetSize(sourceName))
                    .build();
        });
    }

    @Override
    public void unmanageSnapshot(UnmanageSnapshotRequest request, StreamObserver<UnmanageSnapshotResponse> out) {
        statusMapper.respond("UnmanageSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            backend.unmanageSnapshot(RequestMapper.snapshot(request.hasSnapshot(), request.getSnapshot(), "snapshot"));
            return UnmanageSnapshotResponse.getDefaultInstance();
        });
    }

    @Override
    public void updateProviderInfo(UpdateProviderInfoRequest request, StreamObserver<UpdateProviderInfoResponse> out) {
        statusMapper.respond("UpdateProviderInfo", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            return ResponseMapper.providerUpdates(backend.updateProviderInfo(
                    RequestMapper.volumes(request.getVolumesList(), "volumes"),
                    RequestMapper.snapshots(request.getSnapshotsList(), "snapshots")));
        });
    }

    @Override
    public void retype(RetypeRequest request, StreamObserver<RetypeResponse> out) {
        statusMapper.respond("Retype", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderVolume volume = RequestMapper.volume(request.hasVolume(), request.getVolume(), "volume");
            return RetypeResponse.newBuilder()
                    .setModelUpdate(ResponseMapper.volumeUpdate(backend.retype(volume,
                            RequestMapper.extraSpecs(request.getNewVolumeTypeExtraSpecsMap()),
                            request.hasNewQosSpec() ? RequestMapper.qosSpec(request.getNewQosSpec()) : null)))
                    .build();
        });
    }

    @Override
    public void failover(FailoverRequest request, StreamObserver<FailoverResponse> out) {
        statusMapper.respond("Failover", out, () -> FailoverMapper.response(registry.failover(
                RequestMapper.backendName(request.getBackendName()), FailoverMapper.request(request))));
    }

    @Override
    public void getManageableVolumes(GetManageableVolumesRequest request,
            StreamObserver<GetManageableVolumesResponse> out) {
        statusMapper.respond("GetManageableVolumes", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            return GetManageableVolumesResponse.newBuilder().addAllVolumes(GroupMapper.manageable(
                    backend.manageableVolumes(RequestMapper.volumes(request.getCinderVolumesList(), "cinder_volumes"))))
                    .build();
        });
    }

    @Override
    public void getManageableSnapshots(GetManageableSnapshotsRequest request,
            StreamObserver<GetManageableSnapshotsResponse> out) {
        statusMapper.respond("GetManageableSnapshots", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            return GetManageableSnapshotsResponse.newBuilder().addAllSnapshots(GroupMapper.manageable(
                    backend.manageableSnapshots(RequestMapper.snapshots(request.getCinderSnapshotsList(),
                            "cinder_snapshots")))).build();
        });
    }

    // --- generic volume groups ----------------------------------------------------------------

    @Override
    public void createGroup(CreateGroupRequest request, StreamObserver<CreateGroupResponse> out) {
        statusMapper.respond("CreateGroup", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            backend.createGroup(RequestMapper.group(request.hasGroup(), request.getGroup(), "group"));
            return CreateGroupResponse.newBuilder().setStatus(GroupMapper.AVAILABLE).build();
        });
    }

    @Override
    public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> out) {
        statusMapper.respond("DeleteGroup", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderGroup group = RequestMapper.group(request.hasGroup(), request.getGroup(), "group");
            List<CinderVolume> volumes = RequestMapper.volumes(request.getVolumesList(), "volumes");
            backend.deleteGroup(group, volumes);
            return DeleteGroupResponse.newBuilder().setStatus(GroupMapper.DELETED)
                    .addAllVolumeUpdates(GroupMapper.deletedVolumes(volumes)).build();
        });
    }

    @Override
    public void updateGroup(UpdateGroupRequest request, StreamObserver<UpdateGroupResponse> out) {
        statusMapper.respond("UpdateGroup", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            backend.updateGroup(RequestMapper.group(request.hasGroup(), request.getGroup(), "group"),
                    RequestMapper.volumes(request.getAddVolumesList(), "add_volumes"),
                    RequestMapper.volumes(request.getRemoveVolumesList(), "remove_volumes"));
            return UpdateGroupResponse.getDefaultInstance();
        });
    }

    @Override
    public void createGroupSnapshot(CreateGroupSnapshotRequest request,
            StreamObserver<CreateGroupSnapshotResponse> out) {
        statusMapper.respond("CreateGroupSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderGroup group = RequestMapper.group(request.hasGroup(), request.getGroup(), "group");
            String id = Required.text(request.getGroupSnapshotId(), "group_snapshot_id");
            List<CinderSnapshot> snapshots = RequestMapper.snapshots(request.getSnapshotsList(), "snapshots");
            return CreateGroupSnapshotResponse.newBuilder().setStatus(GroupMapper.AVAILABLE)
                    .addAllSnapshotUpdates(GroupMapper.takenSnapshots(snapshots,
                            backend.createGroupSnapshot(group, id, snapshots))).build();
        });
    }

    @Override
    public void deleteGroupSnapshot(DeleteGroupSnapshotRequest request,
            StreamObserver<DeleteGroupSnapshotResponse> out) {
        statusMapper.respond("DeleteGroupSnapshot", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderGroup group = RequestMapper.group(request.hasGroup(), request.getGroup(), "group");
            List<CinderSnapshot> snapshots = RequestMapper.snapshots(request.getSnapshotsList(), "snapshots");
            backend.deleteGroupSnapshot(group, Required.text(request.getGroupSnapshotId(), "group_snapshot_id"));
            return DeleteGroupSnapshotResponse.newBuilder().setStatus(GroupMapper.DELETED)
                    .addAllSnapshotUpdates(GroupMapper.deletedSnapshots(snapshots)).build();
        });
    }

    @Override
    public void createGroupFromSource(CreateGroupFromSourceRequest request,
            StreamObserver<CreateGroupFromSourceResponse> out) {
        statusMapper.respond("CreateGroupFromSource", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            CinderGroup group = RequestMapper.group(request.hasGroup(), request.getGroup(), "group");
            List<CinderVolume> volumes = RequestMapper.volumes(request.getVolumesList(), "volumes");
            List<VolumeModelUpdate> made = switch (request.getSourceCase()) {
                case GROUP_SNAPSHOT -> backend.createGroupFromGroupSnapshot(group, volumes, RequestMapper.snapshots(
                        request.getGroupSnapshot().getSnapshotsList(), "group_snapshot.snapshots"));
                case SOURCE_GROUP -> backend.createGroupFromGroup(group, volumes,
                        RequestMapper.group(request.getSourceGroup().hasGroup(), request.getSourceGroup().getGroup(),
                                "source_group.group"),
                        RequestMapper.volumes(request.getSourceGroup().getVolumesList(), "source_group.volumes"));
                case SOURCE_NOT_SET -> throw Required.missing("group_snapshot or source_group");
            };
            return CreateGroupFromSourceResponse.newBuilder().setStatus(GroupMapper.AVAILABLE)
                    .addAllVolumeUpdates(GroupMapper.createdVolumes(volumes, made)).build();
        });
    }

    // --- group replication (Tiramisu) -----------------------------------------------------------

    @Override
    public void enableGroupReplication(GroupReplicationRequest request,
            StreamObserver<EnableGroupReplicationResponse> out) {
        statusMapper.respond("EnableGroupReplication", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            ReplicatedGroup g = GroupMapper.oneGroup(request.getGroupsList());
            return EnableGroupReplicationResponse.newBuilder().setUpdate(GroupMapper.replicationUpdate(
                    backend.enableGroupReplication(g.group(), g.volumes()))).build();
        });
    }

    @Override
    public void disableGroupReplication(GroupReplicationRequest request,
            StreamObserver<DisableGroupReplicationResponse> out) {
        statusMapper.respond("DisableGroupReplication", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            ReplicatedGroup g = GroupMapper.oneGroup(request.getGroupsList());
            return DisableGroupReplicationResponse.newBuilder().setUpdate(GroupMapper.replicationUpdate(
                    backend.disableGroupReplication(g.group(), g.volumes()))).build();
        });
    }

    @Override
    public void failoverGroupReplication(GroupReplicationRequest request,
            StreamObserver<FailoverGroupReplicationResponse> out) {
        statusMapper.respond("FailoverGroupReplication", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            ReplicatedGroup g = GroupMapper.oneGroup(request.getGroupsList());
            return FailoverGroupReplicationResponse.newBuilder().setUpdate(GroupMapper.replicationUpdate(
                    backend.failoverGroupReplication(g.group(), g.volumes(), request.getSecondaryBackendId())))
                    .build();
        });
    }

    @Override
    public void getGroupReplicationErrors(GroupReplicationRequest request,
            StreamObserver<GetGroupReplicationErrorsResponse> out) {
        statusMapper.respond("GetGroupReplicationErrors", out, () -> {
            CinderBackend backend = backend(request.getBackendName());
            GetGroupReplicationErrorsResponse.Builder b = GetGroupReplicationErrorsResponse.newBuilder();
            backend.groupReplicationErrors(GroupMapper.replicatedGroups(request.getGroupsList()))
                    .forEach(u -> b.addGroups(GroupMapper.replicationUpdate(u)));
            return b.build();
        });
    }

    /** Validates backend_name first so a missing name is reported before anything else. */
    private CinderBackend backend(String backendName) {
        return registry.backend(RequestMapper.backendName(backendName));
    }
}
