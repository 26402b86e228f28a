package io.purebridge.server.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.testing.StreamRecorder;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.server.testing.InProcessService;
import io.purebridge.server.testing.SimDataService;
import io.purebridge.server.testing.TestData;
import io.purebridge.v1.ReadVolumeDataRequest;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDataServiceGrpc;
import io.purebridge.v1.WriteVolumeDataHeader;
import io.purebridge.v1.WriteVolumeDataRequest;
import io.purebridge.v1.WriteVolumeDataResponse;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VolumeDataGrpcServiceTest {
    private static final String ID = "0b3f9a2e-5c1d-4e8a-9f00-123456789abc";
    private static final Volume VOLUME = Volume.newBuilder().setId(ID).setNameId(ID).setName("volume-" + ID)
            .setSizeGib(1).build();

    @TempDir
    Path dir;
    private SimDataService service;
    private VolumeDataServiceGrpc.VolumeDataServiceStub async;

    @BeforeEach
    void setUp() throws Exception {
        service = SimDataService.inProcess(dir);
        service.registerBackend();
        service.registry.backend(SimDataService.BACKEND)
                .createVolume(new CinderVolume(ID, ID, "volume-" + ID, "", 1, Map.of(), ""));
        async = VolumeDataServiceGrpc.newStub(service.channel);
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
    }

    @Test
    void writesThroughTheBackendAndReadsBack() throws Exception {
        byte[] data = TestData.bytes((3 << 20) + 100, 11);

        long written = write(header(SimDataService.BACKEND, 8192).setLengthBytes(data.length), data);
        byte[] back = read(SimDataService.BACKEND, 8192, data.length);

        assertThat(written).isEqualTo(data.length);
        assertThat(TestData.sha256(back)).isEqualTo(TestData.sha256(data));
        assertThat(service.array().checksum("volume-" + ID + "-cinder", 8192, data.length))
                .isEqualTo(TestData.sha256(data));
    }

    @Test
    void unknownBackendAndMissingVolumeAreRefused() {
        assertThatThrownBy(() -> read("puredriver-9", 0, 10)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(ArrayAdminGrpcServiceTest.reasonOf(e)).isEqualTo("BACKEND_NOT_REGISTERED");
        });
        WriteVolumeDataHeader.Builder missing = header(SimDataService.BACKEND, 0)
                .setVolume(VOLUME.toBuilder().setId("x").setNameId("x").setName("volume-x"));
        assertThatThrownBy(() -> write(missing, new byte[10])).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> write(header(SimDataService.BACKEND, (1L << 30) - 5), new byte[10]))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE));
        assertThat(service.array().volumeSpace("volume-" + ID + "-cinder").virtualBytes()).isZero();
    }

    @Test
    void realArrayBackendHasNoDataPath() throws Exception {
        try (InProcessService fake = new InProcessService()) {
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> VolumeDataServiceGrpc.newBlockingStub(fake.channel).readVolumeData(
                            ReadVolumeDataRequest.newBuilder().setBackendName(InProcessService.BACKEND)
                                    .setVolume(VOLUME).setLengthBytes(10).build()).hasNext());

            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(ArrayAdminGrpcServiceTest.reasonOf(e)).isEqualTo("NO_DATA_PATH");
        }
    }

    private static WriteVolumeDataHeader.Builder header(String backend, long offset) {
        return WriteVolumeDataHeader.newBuilder().setBackendName(backend).setVolume(VOLUME).setOffsetBytes(offset);
    }

    private long write(WriteVolumeDataHeader.Builder header, byte[] data) throws Exception {
        StreamRecorder<WriteVolumeDataResponse> recorder = StreamRecorder.create();
        StreamObserver<WriteVolumeDataRequest> requests = async.writeVolumeData(recorder);
        requests.onNext(WriteVolumeDataRequest.newBuilder().setHeader(header).build());
        for (int at = 0; at < data.length; at += DataChunks.CHUNK_BYTES) {
            int n = Math.min(DataChunks.CHUNK_BYTES, data.length - at);
            requests.onNext(WriteVolumeDataRequest.newBuilder().setData(ByteString.copyFrom(data, at, n)).build());
        }
        requests.onCompleted();
        assertThat(recorder.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        if (recorder.getError() != null) {
            throw (StatusRuntimeException) recorder.getError();
        }
        return recorder.firstValue().get().getBytesWritten();
    }

    private byte[] read(String backend, long offset, long length) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VolumeDataServiceGrpc.newBlockingStub(service.channel).readVolumeData(ReadVolumeDataRequest.newBuilder()
                .setBackendName(backend).setVolume(VOLUME).setOffsetBytes(offset).setLengthBytes(length).build())
                .forEachRemaining(chunk -> out.writeBytes(chunk.getData().toByteArray()));
        return out.toByteArray();
    }
}
