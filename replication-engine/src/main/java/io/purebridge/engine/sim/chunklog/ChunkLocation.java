package io.purebridge.engine.sim.chunklog;

import java.nio.ByteBuffer;

/**
 * Where one record lives in a chunk log: its segment, the offset of its header in that segment and
 * its whole length (header included). Stored in the array's index as 20 bytes.
 */
public record ChunkLocation(long segment, long offset, int length) {
    public static final int ENCODED_BYTES = 20;

    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_BYTES).putLong(segment).putLong(offset).putInt(length).array();
    }

    public static ChunkLocation decode(byte[] raw) {
        if (raw.length != ENCODED_BYTES) {
            throw new IllegalArgumentException("a chunk location is " + ENCODED_BYTES + " bytes, not " + raw.length);
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        return new ChunkLocation(b.getLong(), b.getLong(), b.getInt());
    }

    /** The offset just past this record. */
    public long end() {
        return offset + length;
    }
}
