package io.purebridge.server.grpc;

import static io.purebridge.server.testing.InProcessService.BACKEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purebridge.server.mapping.Required;
import io.purebridge.server.testing.InProcessService;
import io.purebridge.server.testing.ErrorDetails;
import io.purebridge.server.testing.Requests;
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
import io.purebridge.v1.RetypeRequest;
import io.purebridge.v1.RevertToSnapshotRequest;
import io.purebridge.v1.Snapshot;
import io.purebridge.v1.StorageProtocol;
import io.purebridge.v1.TerminateConnectionRequest;
import io.purebridge.v1.UnmanageRequest;
import io.purebridge.v1.UnmanageSnapshotRequest;
import io.purebridge.v1.UpdateProviderInfoRequest;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDriverServiceGrpc.VolumeDriverServiceBlockingStub;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A missing "Required." field is INVALID_ARGUMENT naming the field, and the engine is never called. */
@Timeout(30)
class RequiredFieldsTest {
    private static final Volume VOLUME = Requests.volume("v1");
    private static final Snapshot SNAPSHOT = Requests.snapshot("s1", VOLUME);

    private InProcessService service;

    @BeforeEach
    void start() throws Exception {
        service = new InProcessService();
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    private static Arguments missing(String field, Consumer<VolumeDriverServiceBlockingStub> call) {
        return Arguments.of(field, call);
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                missing("backend_name", s -> s.registerBackend(RegisterBackendRequest.newBuilder()
                        .setProtocol(StorageProtocol.STORAGE_PROTOCOL_ISCSI).build())),
                missing("backend_name", s -> s.createVolume(CreateVolumeRequest.newBuilder().setVolume(VOLUME).build())),
                missing("volume", s -> s.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND).build())),
                missing("volume.id", s -> s.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setVolume(VOLUME.toBuilder().clearId()).build())),
                missing("volume.name_id", s -> s.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setVolume(VOLUME.toBuilder().clearNameId()).build())),
                missing("volume.name", s -> s.createVolume(CreateVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setVolume(VOLUME.toBuilder().clearName()).build())),
                missing("volume", s -> s.deleteVolume(DeleteVolumeRequest.newBuilder().setBackendName(BACKEND).build())),
                missing("backend_name", s -> s.extendVolume(ExtendVolumeRequest.newBuilder().setVolume(VOLUME)
                        .setNewSizeGib(2).build())),
                missing("volume", s -> s.extendVolume(ExtendVolumeRequest.newBuilder().setBackendName(BACKEND)
                        .setNewSizeGib(2).build())),
                missing("snapshot", s -> s.createVolumeFromSnapshot(CreateVolumeFromSnapshotRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).build())),
                missing("snapshot.volume", s -> s.createVolumeFromSnapshot(CreateVolumeFromSnapshotRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).setSnapshot(SNAPSHOT.toBuilder().clearVolume())
                        .build())),
                missing("snapshot.volume.id", s -> s.createVolumeFromSnapshot(CreateVolumeFromSnapshotRequest
                        .newBuilder().setBackendName(BACKEND).setVolume(VOLUME)
                        .setSnapshot(SNAPSHOT.toBuilder().setVolume(VOLUME.toBuilder().clearId())).build())),
                missing("source_volume", s -> s.createClonedVolume(CreateClonedVolumeRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).build())),
                missing("snapshot", s -> s.revertToSnapshot(RevertToSnapshotRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).build())),
                missing("snapshot.id", s -> s.createSnapshot(CreateSnapshotRequest.newBuilder().setBackendName(BACKEND)
                        .setSnapshot(SNAPSHOT.toBuilder().clearId()).build())),
                missing("snapshot.name", s -> s.createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setBackendName(BACKEND).setSnapshot(SNAPSHOT.toBuilder().clearName()).build())),
                missing("snapshot", s -> s.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setBackendName(BACKEND)
                        .build())),
                missing("connector", s -> s.initializeConnection(InitializeConnectionRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).build())),
                missing("connector.host", s -> s.initializeConnection(InitializeConnectionRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).setConnector(Requests.connector().toBuilder()
                                .clearHost()).build())),
                missing("connector.host", s -> s.terminateConnection(TerminateConnectionRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).setConnector(Requests.connector().toBuilder()
                                .clearHost()).build())),
                missing("volume", s -> s.terminateConnection(TerminateConnectionRequest.newBuilder()
                        .setBackendName(BACKEND).build())),
                missing("backend_name", s -> s.getVolumeStats(GetVolumeStatsRequest.getDefaultInstance())),
                missing("source_name", s -> s.manageExisting(ManageExistingRequest.newBuilder()
                        .setBackendName(BACKEND).setVolume(VOLUME).build())),
                missing("source_name", s -> s.manageExistingGetSize(ManageExistingGetSizeRequest.newBuilder()
                        .setBackendName(BACKEND).build())),
                missing("volume", s -> s.unmanage(UnmanageRequest.newBuilder().setBackendName(BACKEND).build())),
                missing("source_name", s -> s.manageExistingSnapshot(ManageExistingSnapshotRequest.newBuilder()
                        .setBackendName(BACKEND).setSnapshot(SNAPSHOT).build())),
                missing("source_name", s -> s.manageExistingSnapshotGetSize(ManageExistingSnapshotGetSizeRequest
                        .newBuilder().setBackendName(BACKEND).build())),
                missing("snapshot", s -> s.unmanageSnapshot(UnmanageSnapshotRequest.newBuilder()
                        .setBackendName(BACKEND).build())),
                missing("volumes[1].name", s -> s.updateProviderInfo(UpdateProviderInfoRequest.newBuilder()
                        .setBackendName(BACKEND).addVolumes(VOLUME).addVolumes(VOLUME.toBuilder().clearName())
                        .build())),
                missing("volume", s -> s.retype(RetypeRequest.newBuilder().setBackendName(BACKEND).build())),
                missing("backend_name", s -> s.retype(RetypeRequest.newBuilder().setVolume(VOLUME).build())),
                missing("snapshots[0].volume", s -> s.updateProviderInfo(UpdateProviderInfoRequest.newBuilder()
                        .setBackendName(BACKEND).addSnapshots(SNAPSHOT.toBuilder().clearVolume()).build())));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("requests")
    void missingRequiredFieldIsInvalidArgumentNamingIt(String field, Consumer<VolumeDriverServiceBlockingStub> call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> call.accept(service.stub));

        assertThat(e).as("call must fail").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith(field + " is required");
        assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo(Required.FIELD_REQUIRED);
        assertThat(service.backend.calls()).isEmpty();
        assertThat(service.registry.registrations()).isEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = StorageProtocol.class,
            names = {"STORAGE_PROTOCOL_UNSPECIFIED"})
    void unspecifiedProtocolIsInvalidArgument(StorageProtocol protocol) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                service.stub.registerBackend(RegisterBackendRequest.newBuilder().setBackendName("puredriver-1")
                        .setProtocol(protocol).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("protocol is required: got STORAGE_PROTOCOL_UNSPECIFIED");
        assertThat(ErrorDetails.errorInfo(e).getReason()).isEqualTo(Required.ENUM_UNSPECIFIED);
        assertThat(service.registry.registrations()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void unknownProtocolNumberIsInvalidArgument() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                service.stub.registerBackend(RegisterBackendRequest.newBuilder().setBackendName("puredriver-1")
                        .setProtocolValue(99).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("protocol is required: got UNRECOGNIZED");
    }
}
