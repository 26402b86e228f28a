package io.purebridge.server.data;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.error.EngineException;
import io.purebridge.server.grpc.StatusMapper;
import io.purebridge.server.mapping.Required;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a client-streaming write (WriteData, WriteVolumeData): a header, then data
 * chunks written in order. Each chunk is written (and so persisted) inside {@code onNext}; gRPC asks
 * the client for the next message only after {@code onNext} returns, so the service holds at most
 * one chunk per stream. The first failure closes the call; later messages are ignored.
 *
 * @param <Q> request message
 * @param <R> response message
 */
public final class DataWriteObserver<Q, R> implements StreamObserver<Q> {
    private static final Logger LOG = LoggerFactory.getLogger(DataWriteObserver.class);

    /** How to take a request message apart. */
    public interface Parts<Q> {
        /** The header if this message is one, else null. */
        Object header(Q message);

        /** The data if this message carries data, else null. */
        ByteString data(Q message);
    }

    private final String rpc;
    private final Parts<Q> parts;
    private final Function<Object, WriteTarget> resolveHeader;
    private final LongFunction<R> response;
    private final StreamObserver<R> out;
    private final StatusMapper statusMapper;

    private WriteTarget target;
    private long written;
    private boolean closed;

    /**
     * @param resolveHeader checks a header (array, token, volume, range) and resolves its target;
     *     runs before any byte is written
     * @param response builds the response from the number of bytes written
     */
    public DataWriteObserver(String rpc, Parts<Q> parts, Function<Object, WriteTarget> resolveHeader,
            LongFunction<R> response, StreamObserver<R> out, StatusMapper statusMapper) {
        this.rpc = rpc;
        this.parts = Objects.requireNonNull(parts, "parts");
        this.resolveHeader = Objects.requireNonNull(resolveHeader, "resolveHeader");
        this.response = Objects.requireNonNull(response, "response");
        this.out = Objects.requireNonNull(out, "out");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
    }

    @Override
    public void onNext(Q message) {
        if (closed) {
            return;
        }
        try {
            Object header = parts.header(message);
            if (header != null) {
                if (target != null) {
                    throw EngineException.invalidArgument("HEADER_REPEATED",
                            "header may only be the stream's first message; send data after it");
                }
                target = resolveHeader.apply(header);
                return;
            }
            if (target == null) {
                throw Required.missing("header (the stream's first message)");
            }
            ByteString data = parts.data(message);
            if (data == null || data.isEmpty()) {
                return;
            }
            if (data.size() > DataChunks.MAX_CHUNK_BYTES) {
                throw EngineException.invalidArgument("CHUNK_TOO_LARGE", "data messages may carry at most "
                        + DataChunks.MAX_CHUNK_BYTES + " bytes, got " + data.size() + "; send 1 MiB chunks");
            }
            if (target.lengthBytes().isPresent() && written + data.size() > target.lengthBytes().getAsLong()) {
                throw EngineException.invalidArgument("STREAM_LENGTH_MISMATCH", "the stream carries more than the "
                        + target.lengthBytes().getAsLong() + " bytes its header declared (length_bytes); "
                        + written + " bytes were written");
            }
            DataObject object = target.object();
            long at = target.offsetBytes() + written;
            object.checkRange(at, data.size());
            object.access().write(object.name(), at, data.toByteArray());
            written += data.size();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        // The client cancelled or the transport broke: what was written stays written.
        closed = true;
        LOG.debug("{}: client ended the stream after {} bytes: {}", rpc, written, t.toString());
    }

    @Override
    public void onCompleted() {
        if (closed) {
            return;
        }
        try {
            if (target == null) {
                throw Required.missing("header (the stream's first message)");
            }
            if (target.lengthBytes().isPresent() && written != target.lengthBytes().getAsLong()) {
                throw EngineException.invalidArgument("STREAM_LENGTH_MISMATCH", "the stream carried " + written
                        + " bytes but its header declared length_bytes " + target.lengthBytes().getAsLong()
                        + "; the " + written + " bytes were written");
            }
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        closed = true;
        out.onNext(response.apply(written));
        out.onCompleted();
    }

    private void fail(RuntimeException e) {
        closed = true;
        RuntimeException reported = e;
        if (written > 0 && e instanceof EngineException engine) {
            reported = new EngineException(engine.code(), engine.reason(), engine.getMessage() + " ("
                    + written + " bytes of the stream were written before the failure)");
        }
        out.onError(statusMapper.toStatus(rpc, reported));
    }
}
