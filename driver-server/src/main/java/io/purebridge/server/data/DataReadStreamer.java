package io.purebridge.server.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.purebridge.server.grpc.StatusMapper;
import java.util.Objects;

/**
 * The server side of a streaming read (ReadData, ReadVolumeData): sends a range in chunks of
 * {@link DataChunks#CHUNK_BYTES}, reading the next chunk only while the transport is ready for it,
 * so a slow client never makes the service buffer a large read.
 *
 * @param <R> response message
 */
public final class DataReadStreamer<R> {
    /** Builds one response message. */
    public interface Chunk<R> {
        R of(long offsetBytes, ByteString data);
    }

    private final String rpc;
    private final DataObject object;
    private final long end;
    private final Chunk<R> chunk;
    private final ServerCallStreamObserver<R> out;
    private final StatusMapper statusMapper;
    private long next;
    private boolean done;

    private DataReadStreamer(String rpc, DataObject object, long offsetBytes, long lengthBytes, Chunk<R> chunk,
            ServerCallStreamObserver<R> out, StatusMapper statusMapper) {
        this.rpc = rpc;
        this.object = object;
        this.next = offsetBytes;
        this.end = offsetBytes + lengthBytes;
        this.chunk = chunk;
        this.out = out;
        this.statusMapper = statusMapper;
    }

    /**
     * Starts streaming {@code [offset, offset+length)} of an object whose range was checked. Returns
     * at once; chunks go out from gRPC's onReady callbacks.
     */
    public static <R> void start(String rpc, DataObject object, long offsetBytes, long lengthBytes, Chunk<R> chunk,
            StreamObserver<R> out, StatusMapper statusMapper) {
        ServerCallStreamObserver<R> call = (ServerCallStreamObserver<R>) Objects.requireNonNull(out, "out");
        DataReadStreamer<R> streamer = new DataReadStreamer<>(rpc, object, offsetBytes, lengthBytes, chunk, call,
                statusMapper);
        call.setOnCancelHandler(streamer::cancelled);
        call.setOnReadyHandler(streamer::drain);
        // onReady also fires when the call first becomes ready; draining here covers a transport
        // that was ready before the handler was set. drain() is idempotent and synchronized.
        streamer.drain();
    }

    private synchronized void cancelled() {
        done = true;
    }

    private synchronized void drain() {
        try {
            while (!done && out.isReady()) {
                if (next >= end) {
                    done = true;
                    out.onCompleted();
                    return;
                }
                int n = (int) Math.min(DataChunks.CHUNK_BYTES, end - next);
                byte[] data = object.access().read(object.name(), next, n);
                out.onNext(chunk.of(next, UnsafeByteOperations.unsafeWrap(data)));
                next += n;
            }
        } catch (RuntimeException e) {
            done = true;
            out.onError(statusMapper.toStatus(rpc, e));
        }
    }
}
