package io.purebridge.engine.sim.chunklog;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of one record in a log segment: type (1 byte), payload length (4), CRC32C (4) of type,
 * length and payload, then the payload. A chunk record's payload is the chunk's SHA-256 followed by
 * its stored body ({@code ChunkCodec} format); a commit record's payload is a serialized RocksDB
 * WriteBatch (the metadata of one acknowledged change). A torn or damaged record fails its CRC.
 */
public final class LogRecord {
    public static final byte CHUNK = 'C';
    public static final byte COMMIT = 'B';
    public static final int HEADER_BYTES = 9;
    /** Larger payloads are not written; a header claiming more is damage, not data. */
    static final int MAX_PAYLOAD = 256 << 20;

    private LogRecord() {
    }

    /** The framed record of {@code parts} concatenated as payload. */
    static ByteBuffer frame(byte type, byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(framedLength(parts));
        frameInto(out, type, parts);
        return out.flip();
    }

    /** The framed length of a record whose payload is {@code parts} concatenated. */
    static int framedLength(byte[]... parts) {
        long length = HEADER_BYTES;
        for (byte[] p : parts) {
            length += p.length;
        }
        if (length - HEADER_BYTES > MAX_PAYLOAD) {
            throw new IllegalArgumentException("record payload of " + (length - HEADER_BYTES) + " bytes exceeds "
                    + MAX_PAYLOAD);
        }
        return (int) length;
    }

    /**
     * Frames the record into {@code out} at its position (which must have room for
     * {@link #framedLength}): the payload is copied once, and its CRC taken from the parts.
     */
    static void frameInto(ByteBuffer out, byte type, byte[]... parts) {
        int start = out.position();
        int length = framedLength(parts) - HEADER_BYTES;
        out.put(type).putInt(length).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(out.duplicate().position(start).limit(start + HEADER_BYTES));
        for (byte[] p : parts) {
            crc.update(p);
            out.put(p);
        }
        out.putInt(start + 5, (int) crc.getValue());
    }

    /** CRC32C of a framed record with its CRC field taken as zero. */
    static int crc(byte[] record, int from, int length) {
        return crc(ByteBuffer.wrap(record), from, length);
    }

    /** As {@link #crc(byte[], int, int)}, of a record in a buffer (a segment's mapping included). */
    static int crc(ByteBuffer record, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(record.slice(from, 5));
        crc.update(new byte[4]);
        crc.update(record.slice(from + HEADER_BYTES, length - HEADER_BYTES));
        return (int) crc.getValue();
    }

    /**
     * Checks the record framed at {@code from} in {@code bytes} (type, length, CRC) and returns its
     * payload length, or -1 when it is torn or damaged.
     */
    static int check(byte[] bytes, int from, int available) {
        return check(ByteBuffer.wrap(bytes), from, available);
    }

    /** As {@link #check(byte[], int, int)}, of a record in a buffer (a segment's mapping included). */
    static int check(ByteBuffer bytes, int from, int available) {
        if (available < HEADER_BYTES) {
            return -1;
        }
        byte type = bytes.get(from);
        int length = bytes.getInt(from + 1);
        int stored = bytes.getInt(from + 5);
        if ((type != CHUNK && type != COMMIT) || length < 0 || length > MAX_PAYLOAD
                || HEADER_BYTES + length > available) {
            return -1;
        }
        return crc(bytes, from, HEADER_BYTES + length) == stored ? length : -1;
    }
}
