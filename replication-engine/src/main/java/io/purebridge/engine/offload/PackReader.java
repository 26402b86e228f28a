package io.purebridge.engine.offload;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;

/**
 * Fetches packs and opens the chunks in them, checking everything against its name: a pack's
 * SHA-256 must equal its name (else it is read again, since a body cut short in transit looks the
 * same, and declared damaged after the last attempt), and every decoded block must hash to the
 * manifest's entry.
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
            byte[] body = bucket.get(key).orElseThrow(() -> EngineException.internal("OFFLOAD_PACK_MISSING",
                    bucket.target().describe() + ": chunk pack " + key + " is missing; the offloaded snapshot is"
                            + " damaged, restore from another copy of the bucket", null));
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

    /** Decodes block {@code b} of {@code m} from its pack's bytes into {@code out} at {@code at}. */
    void decode(Manifest m, int b, byte[] packBody, byte[] out, int at) {
        check(m, b, stored(m, b, packBody), out, at);
    }

    /**
     * Block {@code b}'s stored form ({@link ChunkCodec}'s format, decrypted), checked against the
     * manifest's hash by decoding it into {@code scratch} (one block).
     */
    byte[] verifiedStored(Manifest m, int b, byte[] packBody, byte[] scratch) {
        byte[] stored = stored(m, b, packBody);
        check(m, b, stored, scratch, 0);
        return stored;
    }

    private byte[] stored(Manifest m, int b, byte[] packBody) {
        int off = m.offset()[b];
        int len = m.length()[b];
        if (off < 0 || len <= 0 || off + len > packBody.length) {
            throw EngineException.internal("OFFLOAD_DATA_CORRUPT", "block " + b + " of " + m.header().snapshot()
                    + " points outside its pack; the manifest is damaged", null);
        }
        return cipher == null ? java.util.Arrays.copyOfRange(packBody, off, off + len)
                : cipher.open(packBody, off, len, m.hashes()[b]);
    }

    private static void check(Manifest m, int b, byte[] stored, byte[] out, int at) {
        ChunkCodec.decode(stored, out, at);
        byte[] h = ChunkCodec.hash(out, at);
        if (!java.security.MessageDigest.isEqual(h, m.hashes()[b])) {
            throw EngineException.internal("OFFLOAD_DATA_CORRUPT", "block " + b + " of offloaded snapshot "
                    + m.header().snapshot() + " does not match its hash; the bucket's copy is damaged", null);
        }
    }
}
