package io.purebridge.server.grpc;

import static io.purebridge.server.testing.InProcessService.BACKEND;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.BackendStats;
import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.ConnectionProperties;
import io.purebridge.engine.cinder.HostConnector;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.server.testing.FakeCinderBackend;
import io.purebridge.server.testing.InProcessService;
import io.purebridge.server.testing.Requests;
import io.purebridge.v1.ConnectionInfo;
import io.purebridge.v1.CreateClonedVolumeRequest;
import io.purebridge.v1.CreateSnapshotRequest;
import io.purebridge.v1.CreateVolumeFromSnapshotRequest;
import io.purebridge.v1.CreateVolumeRequest;
import io.purebridge.v1.DeleteSnapshotRequest;
import io.purebridge.v1.DeleteVolumeRequest;
import io.purebridge.v1.ExtendVolumeRequest;
import io.purebridge.v1.GetVolumeStatsRequest;
import io.purebridge.v1.InitializeConnectionRequest;
import io.purebridge.v1.ManageExistingGetSizeRequest;
import io.purebridge.v1.ManageExistingRequest;
import io.purebridge.v1.ManageExistingSnapshotGetSizeRequest;
import io.purebridge.v1.ManageExistingSnapshotRequest;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.RegisterBackendResponse;
import io.purebridge.v1.ReplicationDevice;
import io.purebridge.v1.RetypeRequest;
import io.purebridge.v1.RevertToSnapshotRequest;
import io.purebridge.v1.Snapshot;
import io.purebridge.v1.SnapshotModelUpdate;
import io.purebridge.v1.TerminateConnectionRequest;
import io.purebridge.v1.TerminateConnectionResponse;
import io.purebridge.v1.UnmanageRequest;
import io.purebridge.v1.UnmanageSnapshotRequest;
import io.purebridge.v1.UpdateProviderInfoRequest;
import io.purebridge.v1.UpdateProviderInfoResponse;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeModelUpdate;
import io.purebridge.v1.VolumeStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every RPC: request fields reach the engine, the engine's answer comes back field by field. */
@Timeout(30)
class VolumeDriverGrpcServiceTest {
    private InProcessService service;
    private FakeCinderBackend backend;

    @BeforeEach
    void start() throws Exception {
        service = new InProcessService();
        backend = service.backend;
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    private static void assertVolume(Object engine, Volume proto) {
        assertThat(engine).isEqualTo(new CinderVolume(proto.getId(), proto.getNameId(), proto.getName(),
                proto.getProviderId(), proto.getSizeGib(), proto.getVolumeTypeExtraSpecsMap(),
                proto.getReplicationStatus()));
    }

    private static void assertSnapshot(Object engine, Snapshot proto) {
        assertThat(engine).isInstanceOf(CinderSnapshot.class);
        CinderSnapshot snapshot = (CinderSnapshot) engine;
        assertThat(snapshot.id()).isEqualTo(proto.getId());
        assertThat(snapshot.name()).isEqualTo(proto.getName());
        assertThat(snapshot.providerId()).isEqualTo(proto.getProviderId());
        assertThat(snapshot.volumeSizeGib()).isEqualTo(proto.getVolumeSizeGib());
        assertVolume(snapshot.volume(), proto.getVolume());
    }

    private static void assertVolumeUpdate(VolumeModelUpdate update, Volume volume, String source) {
        String arrayName = volume.getName() + "-cinder";
        assertThat(update.getProviderId()).isEqualTo(arrayName);
        assertThat(update.getReplicationStatus()).isEqualTo("disabled");
        assertThat(update.getMetadataMap()).containsEntry("array_volume_name", arrayName)
                .containsEntry("source", source)
                .containsEntry("size_gib", Long.toString(volume.getSizeGib()));
    }

    @Test
    void registerBackendPassesTheWholeSection() {
        RegisterBackendRequest request = RegisterBackendRequest.newBuilder()
                .setBackendName("puredriver-2")
                .setProtocol(io.purebridge.v1.StorageProtocol.STORAGE_PROTOCOL_NVME_TCP)
                .putOptions("san_ip", "sim://pure-primary")
                .putOptions("pure_api_token", "secret-token")
                .addReplicationDevices(ReplicationDevice.newBuilder()
                        .putSettings("backend_id", "pure-sync").putSettings("type", "sync"))
                .addReplicationDevices(ReplicationDevice.newBuilder()
                        .putSettings("backend_id", "pure-dr").putSettings("type", "async"))
                .setActiveBackendId("pure-dr")
                .setCinderHost("cinder-host@puredriver-2")
                .build();

        RegisterBackendResponse response = service.stub.registerBackend(request);

        BackendConfig config = service.registry.registrations().get(0);
        assertThat(config).isEqualTo(new BackendConfig("puredriver-2", StorageProtocol.NVME_TCP,
                Map.of("san_ip", "sim://pure-primary", "pure_api_token", "secret-token"),
                List.of(Map.of("backend_id", "pure-sync", "type", "sync"),
                        Map.of("backend_id", "pure-dr", "type", "async")),
                "pure-dr"));
        assertThat(response.toBuilder().clearSessionCredential().build()).isEqualTo(RegisterBackendResponse.newBuilder()
                .setArrayName("array-of-sim://pure-primary").setArrayId("id-puredriver-2")
                .setActiveBackendId("pure-dr").build());
        assertThat(response.getSessionCredential()).startsWith("pbc1.").hasSizeGreaterThan(40);
    }

    @Test
    void registerBackendMapsEveryProtocol() {
        Map<io.purebridge.v1.StorageProtocol, StorageProtocol> expected = Map.of(
                io.purebridge.v1.StorageProtocol.STORAGE_PROTOCOL_ISCSI, StorageProtocol.ISCSI,
                io.purebridge.v1.StorageProtocol.STORAGE_PROTOCOL_FC, StorageProtocol.FC,
                io.purebridge.v1.StorageProtocol.STORAGE_PROTOCOL_NVME_ROCE, StorageProtocol.NVME_ROCE,
                io.purebridge.v1.StorageProtocol.STORAGE_PROTOCOL_NVME_TCP, StorageProtocol.NVME_TCP);
        expected.forEach((proto, engine) -> {
            service.stub.registerBackend(RegisterBackendRequest.newBuilder()
                    .setBackendName("b-" + proto.getNumber()).setProtocol(proto).build());
        });
        assertThat(service.registry.registrations()).extracting(BackendConfig::protocol)
                .containsExactlyInAnyOrderElementsOf(expected.values());
    }

    @Test
    void createVolume() {
        Volume volume = Requests.volume("v1");
        VolumeModelUpdate update = service.stub.createVolume(
                CreateVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume).build()).getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("createVolume");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertVolumeUpdate(update, volume, "new");
    }

    @Test
    void deleteVolume() {
        Volume volume = Requests.volume("v1");
        service.stub.deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume).build());

        assertThat(backend.lastCall().method()).isEqualTo("deleteVolume");
        assertVolume(backend.lastCall().args().get(0), volume);
    }

    @Test
    void extendVolume() {
        Volume volume = Requests.volume("v1");
        service.stub.extendVolume(ExtendVolumeRequest.newBuilder().setBackendName(BACKEND).setVolume(volume)
                .setNewSizeGib(42).build());

        assertThat(backend.lastCall().method()).isEqualTo("extendVolume");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertThat(backend.lastCall().args().get(1)).isEqualTo(42L);
    }

    @Test
    void createVolumeFromSnapshot() {
        Volume volume = Requests.volume("v2");
        Snapshot snapshot = Requests.snapshot("s1", Requests.volume("v1"));
        VolumeModelUpdate update = service.stub.createVolumeFromSnapshot(CreateVolumeFromSnapshotRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume).setSnapshot(snapshot).build()).getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("createVolumeFromSnapshot");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertSnapshot(backend.lastCall().args().get(1), snapshot);
        assertVolumeUpdate(update, volume, snapshot.getName());
    }

    @Test
    void retype() {
        Volume volume = Requests.volume("v3");
        Map<String, String> specs = Map.of("replication_enabled", "<is> True", "replication_type", "<in> async");
        VolumeModelUpdate update = service.stub.retype(RetypeRequest.newBuilder().setBackendName(BACKEND)
                .setVolume(volume).putAllNewVolumeTypeExtraSpecs(specs).build()).getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("retype");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertThat(backend.lastCall().args().get(1)).isEqualTo(specs);
        assertVolumeUpdate(update, volume, "retype:<in> async");
    }

    @Test
    void createClonedVolume() {
        Volume volume = Requests.volume("v2");
        Volume source = Requests.volume("v1");
        VolumeModelUpdate update = service.stub.createClonedVolume(CreateClonedVolumeRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume).setSourceVolume(source).build()).getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("createClonedVolume");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertVolume(backend.lastCall().args().get(1), source);
        assertVolumeUpdate(update, volume, source.getName());
    }

    @Test
    void revertToSnapshot() {
        Volume volume = Requests.volume("v1");
        Snapshot snapshot = Requests.snapshot("s1", volume);
        service.stub.revertToSnapshot(RevertToSnapshotRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume).setSnapshot(snapshot).build());

        assertThat(backend.lastCall().method()).isEqualTo("revertToSnapshot");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertSnapshot(backend.lastCall().args().get(1), snapshot);
    }

    @Test
    void createSnapshot() {
        Snapshot snapshot = Requests.snapshot("s1", Requests.volume("v1"));
        SnapshotModelUpdate update = service.stub.createSnapshot(CreateSnapshotRequest.newBuilder()
                .setBackendName(BACKEND).setSnapshot(snapshot).build()).getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("createSnapshot");
        assertSnapshot(backend.lastCall().args().get(0), snapshot);
        String arrayName = "volume-name-v1-cinder.snapshot-s1";
        assertThat(update.getProviderId()).isEqualTo(arrayName);
        assertThat(update.getMetadataMap()).containsEntry("array_snapshot_name", arrayName)
                .containsEntry("source", "new");
    }

    @Test
    void deleteSnapshot() {
        Snapshot snapshot = Requests.snapshot("s1", Requests.volume("v1"));
        service.stub.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setBackendName(BACKEND).setSnapshot(snapshot)
                .build());

        assertThat(backend.lastCall().method()).isEqualTo("deleteSnapshot");
        assertSnapshot(backend.lastCall().args().get(0), snapshot);
    }

    @Test
    void initializeConnectionIscsi() {
        backend.answerConnection(new ConnectionProperties.Iscsi(
                List.of("iqn.2010-06.com.purestorage:flasharray.1", "iqn.2010-06.com.purestorage:flasharray.2"),
                List.of("10.0.0.5:3260", "10.0.0.6:3260"), List.of(1, 2), "3624a9370abcdef",
                "CHAP", "user", "chap-secret"));
        Volume volume = Requests.volume("v1");
        ConnectionInfo info = service.stub.initializeConnection(InitializeConnectionRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume).setConnector(Requests.connector()).build())
                .getConnectionInfo();

        assertThat(backend.lastCall().method()).isEqualTo("initializeConnection");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertThat(backend.lastCall().args().get(1)).isEqualTo(new HostConnector("compute-1",
                "iqn.1993-08.org.debian:01:abc", List.of("10000000c9a1b2c3"), List.of("20000000c9a1b2c3"),
                "nqn.2014-08.org.nvmexpress:uuid:1234", "4c4c4544-0000", "10.0.0.21", true));
        assertThat(info.getTargetCase()).isEqualTo(ConnectionInfo.TargetCase.ISCSI);
        assertThat(info.getIscsi().getTargetIqnsList())
                .containsExactly("iqn.2010-06.com.purestorage:flasharray.1", "iqn.2010-06.com.purestorage:flasharray.2");
        assertThat(info.getIscsi().getTargetPortalsList()).containsExactly("10.0.0.5:3260", "10.0.0.6:3260");
        assertThat(info.getIscsi().getTargetLunsList()).containsExactly(1, 2);
        assertThat(info.getIscsi().getWwn()).isEqualTo("3624a9370abcdef");
        assertThat(info.getIscsi().getAuthMethod()).isEqualTo("CHAP");
        assertThat(info.getIscsi().getAuthUsername()).isEqualTo("user");
        assertThat(info.getIscsi().getAuthPassword()).isEqualTo("chap-secret");
        assertThat(info.getIscsi().getTargetDiscovered()).isFalse();
        assertThat(info.getIscsi().getDiscard()).isTrue();
        assertThat(info.getIscsi().getAddressingMode()).isEqualTo("SAM2");
    }

    @Test
    void initializeConnectionFibreChannel() {
        backend.answerConnection(new ConnectionProperties.FibreChannel(List.of("524a937000000001"), List.of(3),
                "3624a9370fc", Map.of("10000000c9a1b2c3", List.of("524a937000000001", "524a937000000002"))));
        ConnectionInfo info = service.stub.initializeConnection(InitializeConnectionRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(Requests.volume("v1")).setConnector(Requests.connector()).build())
                .getConnectionInfo();

        assertThat(info.getTargetCase()).isEqualTo(ConnectionInfo.TargetCase.FIBRE_CHANNEL);
        assertThat(info.getFibreChannel().getTargetWwnsList()).containsExactly("524a937000000001");
        assertThat(info.getFibreChannel().getTargetLunsList()).containsExactly(3);
        assertThat(info.getFibreChannel().getWwn()).isEqualTo("3624a9370fc");
        assertThat(info.getFibreChannel().getInitiatorTargetMapMap().get("10000000c9a1b2c3").getWwnsList())
                .containsExactly("524a937000000001", "524a937000000002");
        assertThat(info.getFibreChannel().getTargetDiscovered()).isTrue();
        assertThat(info.getFibreChannel().getDiscard()).isTrue();
        assertThat(info.getFibreChannel().getAddressingMode()).isEqualTo("SAM2");
    }

    @Test
    void initializeConnectionNvmeof() {
        backend.answerConnection(new ConnectionProperties.Nvmeof("nqn.2010-06.com.purestorage:flasharray.x",
                List.of(new ConnectionProperties.NvmePortal("10.0.1.5", 4420, "tcp")), "nguid-1"));
        ConnectionInfo info = service.stub.initializeConnection(InitializeConnectionRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(Requests.volume("v1")).setConnector(Requests.connector()).build())
                .getConnectionInfo();

        assertThat(info.getTargetCase()).isEqualTo(ConnectionInfo.TargetCase.NVMEOF);
        assertThat(info.getNvmeof().getTargetNqn()).isEqualTo("nqn.2010-06.com.purestorage:flasharray.x");
        assertThat(info.getNvmeof().getVolumeNguid()).isEqualTo("nguid-1");
        assertThat(info.getNvmeof().getPortals(0).getAddress()).isEqualTo("10.0.1.5");
        assertThat(info.getNvmeof().getPortals(0).getPort()).isEqualTo(4420);
        assertThat(info.getNvmeof().getPortals(0).getTransport()).isEqualTo("tcp");
        assertThat(info.getNvmeof().getDiscard()).isTrue();
    }

    @Test
    void terminateConnectionWithConnectorReturnsZones() {
        backend.answerTerminate(Optional.of(new ConnectionProperties.FibreChannel(List.of("524a937000000001"),
                List.of(), "", Map.of("10000000c9a1b2c3", List.of("524a937000000001")))));
        Volume volume = Requests.volume("v1");
        TerminateConnectionResponse response = service.stub.terminateConnection(TerminateConnectionRequest
                .newBuilder().setBackendName(BACKEND).setVolume(volume).setConnector(Requests.connector()).build());

        assertThat(backend.lastCall().method()).isEqualTo("terminateConnection");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertThat(backend.lastCall().args().get(1)).isInstanceOfSatisfying(Optional.class,
                connector -> assertThat(((HostConnector) connector.orElseThrow()).host()).isEqualTo("compute-1"));
        assertThat(response.hasConnectionInfo()).isTrue();
        assertThat(response.getConnectionInfo().getFibreChannel().getTargetWwnsList())
                .containsExactly("524a937000000001");
    }

    @Test
    void terminateConnectionWithoutConnectorIsForceDetach() {
        TerminateConnectionResponse response = service.stub.terminateConnection(TerminateConnectionRequest
                .newBuilder().setBackendName(BACKEND).setVolume(Requests.volume("v1")).build());

        assertThat(backend.lastCall().args().get(1)).isEqualTo(Optional.empty());
        assertThat(response.hasConnectionInfo()).isFalse();
    }

    @Test
    void getVolumeStats() {
        backend.answerStats(new BackendStats("puredriver-1", "Pure Storage", "1.0.0", "iSCSI", 1024.5, 1000.25,
                24.0, 10, 20.0, true, true, 3, 4, 5, 6, true, List.of("sync", "async"), 2,
                List.of("pure-sync", "pure-dr"), 4.5, Map.of("queue_depth", "7")));
        VolumeStats stats = service.stub.getVolumeStats(GetVolumeStatsRequest.newBuilder().setBackendName(BACKEND)
                .build()).getStats();

        assertThat(backend.lastCall().method()).isEqualTo("volumeStats");
        assertThat(stats).isEqualTo(VolumeStats.newBuilder()
                .setVolumeBackendName("puredriver-1").setVendorName("Pure Storage").setDriverVersion("1.0.0")
                .setStorageProtocol("iSCSI").setTotalCapacityGb(1024.5).setFreeCapacityGb(1000.25)
                .setProvisionedCapacityGb(24.0).setReservedPercentage(10).setMaxOverSubscriptionRatio(20.0)
                .setThinProvisioningSupport(true).setMultiattach(true).setTotalVolumes(3).setTotalSnapshots(4)
                .setTotalHosts(5).setTotalPgroups(6).setReplicationEnabled(true)
                .addReplicationType("sync").addReplicationType("async").setReplicationCount(2)
                .addReplicationTargets("pure-sync").addReplicationTargets("pure-dr")
                .setDataReductionRatio(4.5).putExtra("queue_depth", "7").build());
    }

    @Test
    void manageExisting() {
        Volume volume = Requests.volume("v1");
        VolumeModelUpdate update = service.stub.manageExisting(ManageExistingRequest.newBuilder()
                .setBackendName(BACKEND).setVolume(volume).setSourceName("legacy-vol").build()).getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("manageExisting");
        assertVolume(backend.lastCall().args().get(0), volume);
        assertThat(backend.lastCall().args().get(1)).isEqualTo("legacy-vol");
        assertVolumeUpdate(update, volume, "legacy-vol");
    }

    @Test
    void manageExistingGetSize() {
        long size = service.stub.manageExistingGetSize(ManageExistingGetSizeRequest.newBuilder()
                .setBackendName(BACKEND).setSourceName("legacy-vol").build()).getSizeGib();

        assertThat(backend.lastCall()).isEqualTo(new FakeCinderBackend.Call("manageExistingGetSize",
                List.of("legacy-vol")));
        assertThat(size).isEqualTo("legacy-vol".length());
    }

    @Test
    void unmanage() {
        Volume volume = Requests.volume("v1");
        service.stub.unmanage(UnmanageRequest.newBuilder().setBackendName(BACKEND).setVolume(volume).build());

        assertThat(backend.lastCall().method()).isEqualTo("unmanage");
        assertVolume(backend.lastCall().args().get(0), volume);
    }

    @Test
    void manageExistingSnapshot() {
        Snapshot snapshot = Requests.snapshot("s1", Requests.volume("v1"));
        SnapshotModelUpdate update = service.stub.manageExistingSnapshot(ManageExistingSnapshotRequest.newBuilder()
                .setBackendName(BACKEND).setSnapshot(snapshot).setSourceName("legacy-vol.snap1").build())
                .getModelUpdate();

        assertThat(backend.lastCall().method()).isEqualTo("manageExistingSnapshot");
        assertSnapshot(backend.lastCall().args().get(0), snapshot);
        assertThat(backend.lastCall().args().get(1)).isEqualTo("legacy-vol.snap1");
        assertThat(update.getMetadataMap()).containsEntry("source", "legacy-vol.snap1");
    }

    @Test
    void manageExistingSnapshotGetSize() {
        long size = service.stub.manageExistingSnapshotGetSize(ManageExistingSnapshotGetSizeRequest.newBuilder()
                .setBackendName(BACKEND).setSourceName("legacy-vol.snap1").build()).getSizeGib();

        assertThat(backend.lastCall()).isEqualTo(new FakeCinderBackend.Call("manageExistingSnapshotGetSize",
                List.of("legacy-vol.snap1")));
        assertThat(size).isEqualTo("legacy-vol.snap1".length() * 2L);
    }

    @Test
    void unmanageSnapshot() {
        Snapshot snapshot = Requests.snapshot("s1", Requests.volume("v1"));
        service.stub.unmanageSnapshot(UnmanageSnapshotRequest.newBuilder().setBackendName(BACKEND)
                .setSnapshot(snapshot).build());

        assertThat(backend.lastCall().method()).isEqualTo("unmanageSnapshot");
        assertSnapshot(backend.lastCall().args().get(0), snapshot);
    }

    @Test
    void updateProviderInfo() {
        Volume known = Requests.volume("v1");
        Volume missing = Requests.volume("v2").toBuilder().clearProviderId().build();
        Snapshot missingSnapshot = Requests.snapshot("s1", known).toBuilder().clearProviderId().build();
        UpdateProviderInfoResponse response = service.stub.updateProviderInfo(UpdateProviderInfoRequest.newBuilder()
                .setBackendName(BACKEND).addVolumes(known).addVolumes(missing).addSnapshots(missingSnapshot).build());

        assertThat(backend.lastCall().method()).isEqualTo("updateProviderInfo");
        List<?> volumes = (List<?>) backend.lastCall().args().get(0);
        assertThat(volumes).hasSize(2);
        assertVolume(volumes.get(0), known);
        assertVolume(volumes.get(1), missing);
        assertSnapshot(((List<?>) backend.lastCall().args().get(1)).get(0), missingSnapshot);
        assertThat(response.getVolumeUpdatesList()).hasSize(1);
        assertThat(response.getVolumeUpdates(0).getId()).isEqualTo("v2");
        assertThat(response.getVolumeUpdates(0).getProviderId()).isEqualTo("volume-name-v2-cinder");
        assertThat(response.getVolumeUpdates(0).getMetadataMap()).containsEntry("array_name", "fake");
        assertThat(response.getSnapshotUpdatesList()).hasSize(1);
        assertThat(response.getSnapshotUpdates(0).getId()).isEqualTo("s1");
        assertThat(response.getSnapshotUpdates(0).getProviderId()).isEqualTo("volume-name-v1-cinder.snapshot-s1");
    }
}
