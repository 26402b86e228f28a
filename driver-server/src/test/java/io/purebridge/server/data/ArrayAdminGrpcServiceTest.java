package io.purebridge.server.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.internal.testing.StreamRecorder;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.admin.AdminClient;
import io.purebridge.server.grpc.ApiTokenInterceptor;
import io.purebridge.server.testing.SimDataService;
import io.purebridge.server.testing.TestData;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ArrayAdminServiceGrpc;
import io.purebridge.v1.ChecksumDataRequest;
import io.purebridge.v1.GetSpaceResponse;
import io.purebridge.v1.ReadDataRequest;
import io.purebridge.v1.ReadDataResponse;
import io.purebridge.v1.WriteDataRequest;
import io.purebridge.v1.WriteDataResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArrayAdminGrpcServiceTest {
    private static final String VOLUME = "volume-1-cinder";
    private static final long SIZE = 32L << 20;

    @TempDir
    Path dir;
    private SimDataService service;
    private SimulatedFlashArray array;
    private AdminClient client;

    @BeforeEach
    void setUp() throws Exception {
        service = SimDataService.inProcess(dir);
        array = service.array();
        array.createVolume(VOLUME, SIZE);
        client = new AdminClient(service.channel, SimDataService.ARRAY, SimDataService.TOKEN);
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
    }

    @Test
    void streamedWriteReadsBackByteExactAndChecksumsMatch() throws Exception {
        byte[] data = TestData.bytes((10 << 20) + 12_345, 1);
        long offset = 4096 + 7;

        long written = client.write(VOLUME, offset, data.length, new ByteArrayInputStream(data), n -> { });
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        long read = client.read(VOLUME, offset, data.length, back, n -> { });

        assertThat(written).isEqualTo(data.length);
        assertThat(read).isEqualTo(data.length);
        assertThat(Arrays.equals(back.toByteArray(), data)).as("bytes read back equal bytes written").isTrue();
        assertThat(client.checksum(VOLUME, offset, data.length).getSha256Hex()).isEqualTo(TestData.sha256(data));
        assertThat(array.checksum(VOLUME, offset, data.length)).isEqualTo(TestData.sha256(data));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        client.read(VOLUME, 0, offset, head, n -> { });
        assertThat(head.toByteArray()).containsOnly(0);
    }

    @Test
    void writeWithoutDeclaredLengthAndReadToTheEnd() throws Exception {
        byte[] data = TestData.bytes(3 << 20, 2);
        long offset = SIZE - data.length;

        client.write(VOLUME, offset, -1, new ByteArrayInputStream(data), n -> { });
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        long read = client.read(VOLUME, offset, 0, back, n -> { });

        assertThat(read).isEqualTo(data.length);
        assertThat(Arrays.equals(back.toByteArray(), data)).isTrue();
        assertThat(client.checksum(VOLUME, offset, 0).getLengthBytes()).isEqualTo(data.length);
    }

    @Test
    void readStreamsOrderedChunksOfOneMebibyte() {
        byte[] data = TestData.bytes(5 << 20, 3);
        array.write(VOLUME, 0, data);

        Iterator<ReadDataResponse> chunks = ArrayAdminServiceGrpc.newBlockingStub(service.channel)
                .readData(ReadDataRequest.newBuilder().setAccess(access(SimDataService.TOKEN)).setObject(VOLUME)
                        .setLengthBytes(data.length).build());
        List<Long> offsets = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        chunks.forEachRemaining(c -> {
            offsets.add(c.getOffsetBytes());
            sizes.add(c.getData().size());
        });

        assertThat(offsets).containsExactly(0L, 1L << 20, 2L << 20, 3L << 20, 4L << 20);
        assertThat(sizes).containsOnly(DataChunks.CHUNK_BYTES);
    }

    @Test
    void snapshotKeepsItsContentAndIsReadable() throws Exception {
        byte[] before = TestData.bytes(1 << 20, 4);
        array.write(VOLUME, 0, before);
        String snapshot = array.createSnapshot(VOLUME, "s1").name();
        client.write(VOLUME, 0, -1, new ByteArrayInputStream(TestData.bytes(1 << 20, 5)), n -> { });

        ByteArrayOutputStream back = new ByteArrayOutputStream();
        client.read(snapshot, 0, before.length, back, n -> { });

        assertThat(Arrays.equals(back.toByteArray(), before)).isTrue();
        assertThat(client.checksum(snapshot, 0, before.length).getSha256Hex()).isEqualTo(TestData.sha256(before));
    }

    @Test
    void tokenMayTravelInCallMetadata() {
        Metadata headers = new Metadata();
        headers.put(ApiTokenInterceptor.HEADER, SimDataService.TOKEN);
        ArrayAdminServiceGrpc.ArrayAdminServiceBlockingStub stub = ArrayAdminServiceGrpc.newBlockingStub(service.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        String sum = stub.checksumData(ChecksumDataRequest.newBuilder()
                .setAccess(ArrayAccess.newBuilder().setArray(SimDataService.ARRAY)).setObject(VOLUME)
                .setLengthBytes(4096).build()).getSha256Hex();

        assertThat(sum).isEqualTo(TestData.sha256(new byte[4096]));
    }

    @Test
    void failedWritesChangeNothingAndMapToTheirStatus() throws Exception {
        array.write(VOLUME, 0, TestData.bytes(1 << 20, 6));
        String snapshot = array.createSnapshot(VOLUME, "s1").name();
        array.createVolume("gone", 1 << 20);
        array.destroyVolume("gone");
        byte[] chunk = TestData.bytes(1 << 20, 7);
        AdminClient wrongToken = new AdminClient(service.channel, SimDataService.ARRAY, "not-the-token");
        AdminClient unknownArray = new AdminClient(service.channel, "pure-nowhere", SimDataService.TOKEN);

        unchanged(() -> wrongToken.write(VOLUME, 0, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.UNAUTHENTICATED, "INVALID_API_TOKEN");
        unchanged(() -> unknownArray.write(VOLUME, 0, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.NOT_FOUND, "ARRAY_NOT_FOUND");
        unchanged(() -> client.write("volume-404-cinder", 0, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.NOT_FOUND, "VOLUME_NOT_FOUND");
        unchanged(() -> client.write(snapshot, 0, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.FAILED_PRECONDITION, "SNAPSHOT_READ_ONLY");
        unchanged(() -> client.write("gone", 0, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.FAILED_PRECONDITION, "DESTROYED");
        // Declared length past the end: refused before any byte is sent.
        unchanged(() -> client.write(VOLUME, SIZE - 4096, chunk.length, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.OUT_OF_RANGE, "RANGE_PAST_END");
        // Undeclared length: the first chunk that crosses the end is refused whole.
        unchanged(() -> client.write(VOLUME, SIZE - 4096, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.OUT_OF_RANGE, "RANGE_PAST_END");
        unchanged(() -> client.write(VOLUME, -1, -1, new ByteArrayInputStream(chunk), n -> { }),
                Status.Code.OUT_OF_RANGE, "RANGE_PAST_END");
    }

    @Test
    void dataBeforeHeaderIsInvalid() throws Exception {
        unchanged(() -> {
            StreamRecorder<WriteDataResponse> recorder = StreamRecorder.create();
            StreamObserver<WriteDataRequest> requests = ArrayAdminServiceGrpc.newStub(service.channel).writeData(recorder);
            requests.onNext(WriteDataRequest.newBuilder().setData(com.google.protobuf.ByteString.copyFrom(new byte[10])).build());
            requests.onCompleted();
            assertThat(recorder.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
            throw recorder.getError();
        }, Status.Code.INVALID_ARGUMENT, "FIELD_REQUIRED");
    }

    @Test
    void failedReadsMapToTheirStatus() {
        assertStatus(() -> client.read(VOLUME, SIZE - 10, 11, new ByteArrayOutputStream(), n -> { }),
                Status.Code.OUT_OF_RANGE, "RANGE_PAST_END");
        assertStatus(() -> client.checksum("volume-404-cinder", 0, 0), Status.Code.NOT_FOUND, "VOLUME_NOT_FOUND");
        assertStatus(() -> new AdminClient(service.channel, SimDataService.ARRAY, "").checksum(VOLUME, 0, 0),
                Status.Code.INVALID_ARGUMENT, "FIELD_REQUIRED");
    }

    @Test
    void spaceReportsArrayAndVolumes() {
        array.write(VOLUME, 0, TestData.bytes(2 << 20, 8));
        array.createVolume("volume-2-cinder", 1 << 20);

        GetSpaceResponse space = client.space(List.of(), true);

        assertThat(space.getArray().getTotalProvisionedBytes()).isEqualTo(SIZE + (1 << 20));
        assertThat(space.getArray().getTotalPhysicalBytes()).isPositive().isLessThan(2 << 20);
        assertThat(space.getVolumesList()).extracting(v -> v.getVolume())
                .containsExactlyInAnyOrder(VOLUME, "volume-2-cinder");
        assertThat(space.getVolumesList()).filteredOn(v -> v.getVolume().equals(VOLUME)).singleElement()
                .satisfies(v -> assertThat(v.getVirtualBytes()).isEqualTo(2 << 20));
    }

    /** Runs a failing call and checks that neither the volume's bytes nor the array's space moved. */
    private void unchanged(ThrowingCallable call, Status.Code code, String reason) throws Exception {
        String sum = array.checksum(VOLUME, 0, SIZE);
        long physical = array.space().totalPhysicalBytes();
        assertStatus(call, code, reason);
        assertThat(array.checksum(VOLUME, 0, SIZE)).as("volume content after a %s write", code).isEqualTo(sum);
        assertThat(array.space().totalPhysicalBytes()).isEqualTo(physical);
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(reasonOf(e)).isEqualTo(reason);
            assertThat(String.valueOf(e.getStatus().getDescription())).doesNotContain(SimDataService.TOKEN);
        });
    }

    static String reasonOf(StatusRuntimeException e) {
        for (com.google.protobuf.Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return detail.unpack(ErrorInfo.class).getReason();
                } catch (com.google.protobuf.InvalidProtocolBufferException bad) {
                    throw new AssertionError(bad);
                }
            }
        }
        return "";
    }

    private static ArrayAccess access(String token) {
        return ArrayAccess.newBuilder().setArray(SimDataService.ARRAY).setApiToken(token).build();
    }
}
