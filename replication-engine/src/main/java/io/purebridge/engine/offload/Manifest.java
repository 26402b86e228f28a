package io.purebridge.engine.offload;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One offloaded snapshot, self-describing: who it was, how big, when it expires, and for every
 * block its SHA-256 and where its stored chunk lies (pack, offset, length). Written last, so a
 * snapshot is listed only once all its packs are in the bucket.
 *
 * <p>Binary form: "PBM1", a JSON header (length-prefixed), the block table, and the SHA-256 of
 * everything before it; with client-side encryption the whole is sealed with AES-GCM ("PBE1").
 */
public record Manifest(Header header, List<String> packs, int[] pack, int[] offset, int[] length, byte[][] hashes) {
    static final byte[] MAGIC = "PBM1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SEALED = "PBE1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param snapshot the snapshot's name on its array
     * @param sourceArray the array it came from
     * @param sourceVolume its volume
     * @param sizeBytes provisioned size
     * @param createdMillis when the snapshot was taken
     * @param offloadedMillis when the offload completed
     * @param expiresMillis when retention lets it go (0 = kept until deleted)
     * @param blockSize bytes per block
     * @param root hash-tree root of the block hashes (hex)
     * @param contentSha256 SHA-256 of the whole snapshot's bytes (hex)
     * @param storageClass S3 storage class of its packs
     */
    public record Header(String snapshot, String sourceArray, String sourceVolume, long sizeBytes,
                         long createdMillis, long offloadedMillis, long expiresMillis, int blockSize,
                         String root, String contentSha256, String storageClass) {
    }

    public int blocks() {
        return hashes.length;
    }

    public boolean isZero(int block) {
        return pack[block] < 0;
    }

    public byte[] encode(ChunkCipher cipher) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + hashes.length * 44);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            byte[] head = JSON.writeValueAsBytes(new Wire(header, packs));
            out.writeInt(head.length);
            out.write(head);
            out.writeInt(hashes.length);
            for (int i = 0; i < hashes.length; i++) {
                out.writeInt(pack[i]);
                out.writeInt(offset[i]);
                out.writeInt(length[i]);
                out.write(hashes[i]);
            }
            out.flush();
            out.write(ChunkCodec.sha256(bytes.toByteArray()));
            byte[] plain = bytes.toByteArray();
            if (cipher == null) {
                return plain;
            }
            byte[] sealed = cipher.sealManifest(plain);
            byte[] res = Arrays.copyOf(SEALED, SEALED.length + sealed.length);
            System.arraycopy(sealed, 0, res, SEALED.length, sealed.length);
            return res;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes and checks a manifest; a damaged one fails with OFFLOAD_MANIFEST_CORRUPT naming the key. */
    public static Manifest decode(String key, byte[] data, ChunkCipher cipher) {
        byte[] plain = data;
        if (startsWith(data, SEALED)) {
            if (cipher == null) {
                throw EngineException.failedPrecondition("OFFLOAD_KEY_REQUIRED", "manifest " + key
                        + " is encrypted: configure the target's encryption_key");
            }
            plain = cipher.open(data, SEALED.length, data.length - SEALED.length, null);
        }
        if (!startsWith(plain, MAGIC) || plain.length < MAGIC.length + 40) {
            throw corrupt(key, "it does not start with the manifest magic");
        }
        byte[] body = Arrays.copyOf(plain, plain.length - 32);
        byte[] sum = Arrays.copyOfRange(plain, plain.length - 32, plain.length);
        if (!MessageDigest.isEqual(ChunkCodec.sha256(body), sum)) {
            throw corrupt(key, "its checksum does not match its content");
        }
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body, MAGIC.length,
                    body.length - MAGIC.length));
            byte[] head = new byte[in.readInt()];
            in.readFully(head);
            Wire w = JSON.readValue(head, Wire.class);
            int n = in.readInt();
            int[] p = new int[n];
            int[] o = new int[n];
            int[] l = new int[n];
            byte[][] h = new byte[n][];
            for (int i = 0; i < n; i++) {
                p[i] = in.readInt();
                o[i] = in.readInt();
                l[i] = in.readInt();
                h[i] = new byte[32];
                in.readFully(h[i]);
            }
            Manifest m = new Manifest(w.header(), w.packs(), p, o, l, h);
            if (!ChunkCodec.hex(HashTree.root(Arrays.asList(h))).equals(w.header().root())) {
                throw corrupt(key, "its block table does not match its hash-tree root");
            }
            return m;
        } catch (IOException e) {
            throw corrupt(key, "it cannot be parsed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static EngineException corrupt(String key, String why) {
        return EngineException.internal("OFFLOAD_MANIFEST_CORRUPT", "offloaded snapshot manifest " + key
                + " is damaged: " + why + "; restore from another copy of the bucket", null);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Pack names this manifest references. */
    public List<String> referencedPacks() {
        boolean[] used = new boolean[packs.size()];
        for (int p : pack) {
            if (p >= 0) {
                used[p] = true;
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                out.add(packs.get(i));
            }
        }
        return out;
    }

    /** The JSON part. */
    record Wire(Header header, List<String> packs) {
    }
}
