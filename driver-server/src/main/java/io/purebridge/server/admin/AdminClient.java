package io.purebridge.server.admin;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.purebridge.server.data.DataChunks;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ArrayAdminServiceGrpc;
import io.purebridge.v1.ChecksumDataRequest;
import io.purebridge.v1.ChecksumDataResponse;
import io.purebridge.v1.GetSpaceRequest;
import io.purebridge.v1.GetSpaceResponse;
import io.purebridge.v1.ReadDataRequest;
import io.purebridge.v1.ReadDataResponse;
import io.purebridge.v1.WriteDataHeader;
import io.purebridge.v1.WriteDataRequest;
import io.purebridge.v1.WriteDataResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * A blocking client of ArrayAdminService for one simulated array: streams files in and out in
 * 1 MiB chunks, sending only when the transport is ready so memory stays flat for any size.
 * Failures surface as {@link StatusRuntimeException}.
 */
public final class AdminClient {
    private final ArrayAdminServiceGrpc.ArrayAdminServiceStub async;
    private final ArrayAdminServiceGrpc.ArrayAdminServiceBlockingStub blocking;
    private final ArrayAccess access;

    public AdminClient(Channel channel, String array, String apiToken) {
        this.async = ArrayAdminServiceGrpc.newStub(channel);
        this.blocking = ArrayAdminServiceGrpc.newBlockingStub(channel);
        this.access = ArrayAccess.newBuilder().setArray(array).setApiToken(apiToken).build();
    }

    /**
     * Writes everything {@code in} holds to {@code volume} from {@code offsetBytes}.
     *
     * @param lengthBytes the input's length when known (checked up front by the service), else -1
     * @param progress told the running total of bytes sent
     * @return bytes written, as the service acknowledged
     */
    public long write(String volume, long offsetBytes, long lengthBytes, InputStream in, LongConsumer progress)
            throws IOException, InterruptedException {
        WriteDataHeader.Builder header = WriteDataHeader.newBuilder().setAccess(access).setVolume(volume)
                .setOffsetBytes(offsetBytes);
        if (lengthBytes >= 0) {
            header.setLengthBytes(lengthBytes);
        }
        CompletableFuture<WriteDataResponse> response = new CompletableFuture<>();
        Object ready = new Object();
        ClientResponseObserver<WriteDataRequest, WriteDataResponse> observer = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WriteDataRequest> requestStream) {
                requestStream.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(WriteDataResponse value) {
                response.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                response.completeExceptionally(t);
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                response.complete(WriteDataResponse.getDefaultInstance());
            }
        };
        ClientCallStreamObserver<WriteDataRequest> requests =
                (ClientCallStreamObserver<WriteDataRequest>) async.writeData(observer);
        long sent = 0;
        try {
            requests.onNext(WriteDataRequest.newBuilder().setHeader(header).build());
            byte[] buffer = new byte[DataChunks.CHUNK_BYTES];
            while (!response.isDone()) {
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n == 0) {
                    break;
                }
                synchronized (ready) {
                    while (!requests.isReady() && !response.isDone()) {
                        ready.wait(100);
                    }
                }
                if (response.isDone()) {
                    break;
                }
                requests.onNext(WriteDataRequest.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
                sent += n;
                progress.accept(sent);
            }
            if (!response.isDone()) {
                requests.onCompleted();
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            requests.onError(Status.CANCELLED.withDescription("client failed: " + e.getMessage()).asException());
            throw e;
        }
        return await(response).getBytesWritten();
    }

    /**
     * Reads {@code [offset, offset+length)} of a volume or snapshot (length 0: to its end) into
     * {@code out}; returns the number of bytes read.
     */
    public long read(String object, long offsetBytes, long lengthBytes, OutputStream out, LongConsumer progress)
            throws IOException {
        Iterator<ReadDataResponse> chunks = blocking.readData(ReadDataRequest.newBuilder().setAccess(access)
                .setObject(object).setOffsetBytes(offsetBytes).setLengthBytes(lengthBytes).build());
        long total = 0;
        while (chunks.hasNext()) {
            ByteString data = chunks.next().getData();
            data.writeTo(out);
            total += data.size();
            progress.accept(total);
        }
        out.flush();
        return total;
    }

    public ChecksumDataResponse checksum(String object, long offsetBytes, long lengthBytes) {
        return blocking.checksumData(ChecksumDataRequest.newBuilder().setAccess(access).setObject(object)
                .setOffsetBytes(offsetBytes).setLengthBytes(lengthBytes).build());
    }

    public GetSpaceResponse space(List<String> volumes, boolean allVolumes) {
        return blocking.getSpace(GetSpaceRequest.newBuilder().setAccess(access).addAllVolumes(volumes)
                .setAllVolumes(allVolumes).build());
    }

    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StatusRuntimeException status) {
                throw status;
            }
            if (cause instanceof io.grpc.StatusException status) {
                throw status.getStatus().asRuntimeException(status.getTrailers());
            }
            throw Status.UNKNOWN.withCause(cause).withDescription(String.valueOf(cause)).asRuntimeException();
        }
    }

}
