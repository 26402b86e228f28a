package io.purebridge.engine.chunk;

import io.purebridge.engine.error.EngineException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The one chunk format of purebridge: blocks of {@link #BLOCK_SIZE} bytes, named by their SHA-256,
 * stored as a codec byte followed by the block LZ4-compressed (or raw when LZ4 does not shrink it).
 * The simulated arrays' data, replication transfers and S3 offload all carry chunks in this form,
 * so a chunk moves between them without being decoded.
 *
 * <p>SHA-256 is strong enough to trust without comparing bytes, and the JDK's implementation is
 * intrinsic on modern CPUs. LZ4 compresses less than Deflate level 1 (data reduction 1.56 against
 * 1.71 on DataBench's data) but runs several times faster; chunks written by early versions with
 * Deflate still decode.
 */
public final class ChunkCodec {
    /**
     * 32 KiB: FlashArray deduplicates at up to 32 KiB granularity; a 32-byte hash then maps 32 KiB,
     * so map metadata is ~0.1% of written data. Smaller blocks multiply metadata, larger ones
     * deduplicate worse and make small writes rewrite more.
     */
    public static final int BLOCK_SIZE = 32 * 1024;
    public static final int HASH_BYTES = 32;
    public static final byte CODEC_RAW = 0;
    /** Written before LZ4; still decoded. */
    public static final byte CODEC_DEFLATE = 1;
    public static final byte CODEC_LZ4 = 2;

    private static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ChunkCodec::newDigest);
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    /** JNI when the native library loads (it does on Linux amd64), else pure Java. */
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4.safeDecompressor();
    private static final int LZ4_MAX = LZ4_COMPRESSOR.maxCompressedLength(BLOCK_SIZE);
    private static final ThreadLocal<byte[]> LZ4_SCRATCH = ThreadLocal.withInitial(() -> new byte[LZ4_MAX]);

    private ChunkCodec() {
    }

    /** SHA-256 of the block at {@code from} in {@code data}. */
    public static byte[] hash(byte[] data, int from) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(data, from, BLOCK_SIZE);
        return digest.digest();
    }

    /** SHA-256 of any byte array (manifests, whole chunks as stored). */
    public static byte[] sha256(byte[] content) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(content);
    }

    /** The stored form of the block at {@code from} in {@code data}: codec byte, then its bytes. */
    public static byte[] encode(byte[] data, int from) {
        byte[] scratch = LZ4_SCRATCH.get();
        int n = LZ4_COMPRESSOR.compress(data, from, BLOCK_SIZE, scratch, 0, LZ4_MAX);
        if (n >= BLOCK_SIZE) {
            byte[] out = new byte[BLOCK_SIZE + 1];
            out[0] = CODEC_RAW;
            System.arraycopy(data, from, out, 1, BLOCK_SIZE);
            return out;
        }
        byte[] out = new byte[n + 1];
        out[0] = CODEC_LZ4;
        System.arraycopy(scratch, 0, out, 1, n);
        return out;
    }

    /** Decodes a stored chunk into {@code out} at {@code at} ({@link #BLOCK_SIZE} bytes). */
    public static void decode(byte[] stored, byte[] out, int at) {
        decode(stored, 0, stored.length, out, at);
    }

    /** {@link #decode(byte[], byte[], int)} of the stored chunk at {@code from} in a larger array. */
    public static void decode(byte[] bytes, int from, int length, byte[] out, int at) {
        try {
            if (length <= 0) {
                throw new DataFormatException("empty chunk");
            }
            int n;
            switch (bytes[from]) {
                case CODEC_RAW -> {
                    n = length - 1;
                    System.arraycopy(bytes, from + 1, out, at, Math.min(n, BLOCK_SIZE));
                }
                case CODEC_LZ4 -> n = LZ4_DECOMPRESSOR.decompress(bytes, from + 1, length - 1, out, at, BLOCK_SIZE);
                case CODEC_DEFLATE -> n = inflate(bytes, from, length, out, at);
                default -> throw new DataFormatException("unknown codec " + bytes[from]);
            }
            if (n != BLOCK_SIZE) {
                throw new DataFormatException("chunk decoded to " + n + " bytes");
            }
        } catch (DataFormatException | LZ4Exception e) {
            throw corrupt(e.getMessage(), e);
        }
    }

    /**
     * {@link #decode(byte[], int, int, byte[], int)} of a stored chunk in a buffer: LZ4 and raw
     * chunks of a direct buffer (a log segment's mapping) are decoded from it with no copy.
     */
    public static void decode(ByteBuffer bytes, int from, int length, byte[] out, int at) {
        if (bytes.hasArray()) {
            decode(bytes.array(), bytes.arrayOffset() + from, length, out, at);
            return;
        }
        byte codec = length > 0 ? bytes.get(from) : -1;
        if (codec == CODEC_RAW && length - 1 == BLOCK_SIZE) {
            bytes.get(from + 1, out, at, BLOCK_SIZE);
        } else if (codec == CODEC_LZ4) {
            int n;
            try {
                n = LZ4_DECOMPRESSOR.decompress(bytes, from + 1, length - 1, ByteBuffer.wrap(out), at, BLOCK_SIZE);
            } catch (LZ4Exception e) {
                throw corrupt(e.getMessage(), e);
            }
            if (n != BLOCK_SIZE) {
                throw corrupt("chunk decoded to " + n + " bytes", null);
            }
        } else {
            byte[] copy = new byte[Math.max(length, 0)];
            bytes.get(from, copy);
            decode(copy, 0, copy.length, out, at);
        }
    }

    private static EngineException corrupt(String what, Exception cause) {
        return EngineException.internal("CHUNK_CORRUPT", "a stored chunk cannot be decompressed: " + what
                + "; the store holding it is damaged", cause);
    }

    private static int inflate(byte[] bytes, int from, int length, byte[] out, int at) throws DataFormatException {
        Inflater inflater = INFLATER.get();
        inflater.reset();
        inflater.setInput(bytes, from + 1, length - 1);
        int n = 0;
        while (n < BLOCK_SIZE && !inflater.finished()) {
            int got = inflater.inflate(out, at + n, BLOCK_SIZE - n);
            if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                break;
            }
            n += got;
        }
        return n;
    }

    public static boolean isZero(byte[] data, int from) {
        return Arrays.mismatch(data, from, from + BLOCK_SIZE, ZERO_BLOCK, 0, BLOCK_SIZE) < 0;
    }

    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** A fresh digest for callers that hash a stream (a range checksum, a manifest). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
