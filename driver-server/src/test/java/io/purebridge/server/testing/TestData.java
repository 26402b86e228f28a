package io.purebridge.server.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Test bytes: non-repeating (so nothing deduplicates) but compressible, like real disk data. */
public final class TestData {
    private TestData() {
    }

    public static byte[] bytes(int length, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i += 16) {
            // 8 random bytes then 8 zeros: unique per block, about half compressible.
            long word = random.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++) {
                data[i + j] = (byte) (word >>> (8 * j));
            }
        }
        return data;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
