package io.purebridge.server.data;

/** Chunk sizes of the data streams. */
public final class DataChunks {
    /** Size of the chunks the service sends and clients are asked to send. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** Largest data message the service accepts (gRPC's default message limit). */
    public static final int MAX_CHUNK_BYTES = 4 << 20;

    private DataChunks() {
    }
}
