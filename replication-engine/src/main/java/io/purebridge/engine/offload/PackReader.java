package io.purebridge.engine.offload;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.util.List;

/**
 * Fetches packs and opens the chunks in them, checking everything against its name. {@link #fetch}
 * (verify) checks a whole pack: its SHA-256 must equal its name. {@link #fetchBlocks} (restore)
 * checks only the blocks it needs, each decoded block against the manifest's hash, which covers the
 * same bytes without hashing the pack as well. Either reads a pack again when the check fails, since
 * a body cut short in transit looks the same, and declares it damaged after the last attempt.
 */
final class PackReader {
    private final S3Bucket bucket;
    private final ChunkCipher cipher;

    PackReader(S3Bucket bucket, ChunkCipher cipher) {
        this.bucket = bucket;
        this.cipher = cipher;
    }

    byte[] fetch(String pack) {
        int attempts = bucket.target().tuning().maxAttempts();
        String key = BucketLayout.packKey(pack);
        for (int i = 1; ; i++) {
            byte[] body = bucket.get(key).orElseThrow(() -> missing(key));
            if (ChunkCodec.hex(ChunkCodec.sha256(body)).equals(pack)) {
                return body;
            }
            if (i >= attempts) {
                throw EngineException.internal("OFFLOAD_DATA_CORRUPT", bucket.target().describe() + ": chunk pack "
                        + key + " does not match its checksum; the offloaded snapshot is damaged, restore from"
                        + " another copy of the bucket", null);
            }
        }
    }

    /** What {@link #fetchBlocks} read: the pack's size and the blocks' stored forms, each checked. */
    record CheckedBlocks(int packBytes, byte[][] stored) {
    }

    /**
     * The stored forms ({@link ChunkCodec}'s format, decrypted) of {@code blocks} of {@code m}, all in
     * {@code pack}, each checked against the manifest's hash.
     */
    CheckedBlocks fetchBlocks(Manifest m, String pack, List<Integer> blocks) {
        int attempts = bucket.target().tuning().maxAttempts();
        String key = BucketLayout.packKey(pack);
        byte[] scratch = new byte[ChunkCodec.BLOCK_SIZE];
        for (int i = 1; ; i++) {
            byte[] body = bucket.get(key).orElseThrow(() -> missing(key));
            try {
                byte[][] stored = new byte[blocks.size()][];
                for (int k = 0; k < stored.length; k++) {
                    stored[k] = verifiedStored(m, blocks.get(k), body, scratch);
                }
                return new CheckedBlocks(body.length, stored);
            } catch (EngineException e) {
                if (i >= attempts || !"OFFLOAD_DATA_CORRUPT".equals(e.reason())) {
                    throw e;
                }
            }
        }
    }

    /** Decodes block {@code b} of {@code m} from its pack's bytes into {@code out} at {@code at}. */
    void decode(Manifest m, int b, byte[] packBody, byte[] out, int at) {
        check(m, b, stored(m, b, packBody), out, at);
    }

    private EngineException missing(String key) {
        return EngineException.internal("OFFLOAD_PACK_MISSING", bucket.target().describe() + ": chunk pack " + key
                + " is missing; the offloaded snapshot is damaged, restore from another copy of the bucket", null);
    }

    /**
     * Block {@code b}'s stored form ({@link ChunkCodec}'s format, decrypted), checked against the
     * manifest's hash by decoding it into {@code scratch} (one block).
     */
    private byte[] verifiedStored(Manifest m, int b, byte[] packBody, byte[] scratch) {
        byte[] stored = stored(m, b, packBody);
        check(m, b, stored, scratch, 0);
        return stored;
    }

    private byte[] stored(Manifest m, int b, byte[] packBody) {
        int off = m.offset()[b];
        int len = m.length()[b];
        if (off < 0 || len <= 0 || off + len > packBody.length) {
            throw EngineException.internal("OFFLOAD_DATA_CORRUPT", "block " + b + " of " + m.header().snapshot()
                    + " points outside its pack of " + packBody.length + " bytes: the pack is cut short or the manifest"
                    + " is damaged", null);
        }
        return cipher == null ? java.util.Arrays.copyOfRange(packBody, off, off + len)
                : cipher.open(packBody, off, len, m.hashes()[b]);
    }

    private static void check(Manifest m, int b, byte[] stored, byte[] out, int at) {
        boolean decoded;
        try {
            ChunkCodec.decode(stored, out, at);
            decoded = true;
        } catch (EngineException e) {
            decoded = false;
        }
        if (!decoded || !java.security.MessageDigest.isEqual(ChunkCodec.hash(out, at), m.hashes()[b])) {
            throw EngineException.internal("OFFLOAD_DATA_CORRUPT", "block " + b + " of offloaded snapshot "
                    + m.header().snapshot() + " does not match its hash; the bucket's copy is damaged", null);
        }
    }
}
