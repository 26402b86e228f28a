package io.purebridge.server.replication;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ArrayAdminServiceGrpc;
import io.purebridge.v1.ChecksumDataRequest;
import io.purebridge.v1.GetSpaceRequest;
import io.purebridge.v1.ReadDataRequest;
import io.purebridge.v1.ReadDataResponse;
import io.purebridge.v1.VolumeSpaceFigures;
import io.purebridge.v1.WriteDataHeader;
import io.purebridge.v1.WriteDataRequest;
import io.purebridge.v1.WriteDataResponse;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One simulated array's bytes through ArrayAdminService, as {@link BlockDataAccess}. */
final class GrpcBlockData implements BlockDataAccess {
    private static final int CHUNK = 1 << 20;

    private final ArrayAdminServiceGrpc.ArrayAdminServiceStub async;
    private final ArrayAdminServiceGrpc.ArrayAdminServiceBlockingStub blocking;
    private final ArrayAccess access;

    GrpcBlockData(Channel channel, String array, String token) {
        this.async = ArrayAdminServiceGrpc.newStub(channel);
        this.blocking = ArrayAdminServiceGrpc.newBlockingStub(channel);
        this.access = ArrayAccess.newBuilder().setArray(array).setApiToken(token).build();
    }

    @Override
    public void write(String volumeName, long offsetBytes, byte[] data) {
        CompletableFuture<WriteDataResponse> done = new CompletableFuture<>();
        StreamObserver<WriteDataRequest> out = async.writeData(new StreamObserver<>() {
            @Override
            public void onNext(WriteDataResponse value) {
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        out.onNext(WriteDataRequest.newBuilder().setHeader(WriteDataHeader.newBuilder().setAccess(access)
                .setVolume(volumeName).setOffsetBytes(offsetBytes).setLengthBytes(data.length)).build());
        for (int at = 0; at < data.length; at += CHUNK) {
            out.onNext(WriteDataRequest.newBuilder().setData(ByteString.copyFrom(data, at,
                    Math.min(CHUNK, data.length - at))).build());
        }
        out.onCompleted();
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw GrpcErrors.engine(status);
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("WriteData of " + volumeName + " did not finish", e);
        }
    }

    @Override
    public byte[] read(String name, long offsetBytes, int length) {
        return GrpcErrors.call(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
            Iterator<ReadDataResponse> chunks = blocking.readData(ReadDataRequest.newBuilder().setAccess(access)
                    .setObject(name).setOffsetBytes(offsetBytes).setLengthBytes(length).build());
            chunks.forEachRemaining(c -> bytes.writeBytes(c.getData().toByteArray()));
            return bytes.toByteArray();
        });
    }

    @Override
    public void read(String name, long offsetBytes, byte[] out, int outOffset, int length) {
        byte[] bytes = read(name, offsetBytes, length);
        System.arraycopy(bytes, 0, out, outOffset, bytes.length);
    }

    @Override
    public String checksum(String name, long offsetBytes, long length) {
        return GrpcErrors.call(() -> blocking.checksumData(ChecksumDataRequest.newBuilder().setAccess(access)
                .setObject(name).setOffsetBytes(offsetBytes).setLengthBytes(length).build()).getSha256Hex());
    }

    @Override
    public VolumeSpace volumeSpace(String volumeName) {
        VolumeSpaceFigures v = GrpcErrors.call(() -> blocking.getSpace(GetSpaceRequest.newBuilder().setAccess(access)
                .addVolumes(volumeName).build())).getVolumes(0);
        return new VolumeSpace(v.getProvisionedBytes(), v.getVirtualBytes(), v.getUniqueBytes(), v.getSnapshotsBytes(),
                v.getDataReduction(), v.getTotalReduction());
    }
}
