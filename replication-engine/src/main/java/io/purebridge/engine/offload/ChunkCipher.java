package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client-side AES-256-GCM over stored chunks and manifests. The configured key never reaches the
 * bucket: the format marker holds only an HMAC check value, so a wrong key is refused up front.
 *
 * <p>Chunk nonces are derived from the chunk's SHA-256 with a separate HMAC key (a synthetic IV):
 * the same plaintext always gives the same ciphertext, so a resumed offload rebuilds packs with
 * the same names, and one (key, nonce) pair never covers two different plaintexts. Manifests use
 * random nonces. The block hash is the associated data, so a chunk cannot be swapped for another.
 */
public final class ChunkCipher {
    public static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec aesKey;
    private final byte[] nonceKey;
    private final String checkValue;
    private final SecureRandom random = new SecureRandom();

    private ChunkCipher(byte[] master) {
        this.aesKey = new SecretKeySpec(hmac(master, "purebridge offload chunk key"), "AES");
        this.nonceKey = hmac(master, "purebridge offload nonce key");
        this.checkValue = Base64.getEncoder().encodeToString(
                Arrays.copyOf(hmac(master, "purebridge offload key check"), 16));
    }

    /** From base64 of 32 bytes; the error never echoes the value. */
    public static ChunkCipher fromBase64(String keyText) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(keyText.strip());
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != 32) {
            throw EngineException.invalidArgument("OFFLOAD_KEY_INVALID",
                    "encryption_key must refer to base64 of exactly 32 random bytes (e.g. openssl rand -base64 32)");
        }
        return new ChunkCipher(key);
    }

    /** A value that identifies the key without revealing it (kept in the bucket's format marker). */
    public String checkValue() {
        return checkValue;
    }

    public byte[] sealChunk(byte[] stored, byte[] blockHash) {
        byte[] nonce = Arrays.copyOf(hmac(nonceKey, blockHash), NONCE);
        return seal(stored, nonce, blockHash);
    }

    public byte[] sealManifest(byte[] plain) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        return seal(plain, nonce, null);
    }

    /** Opens a sealed chunk or manifest; a wrong key or any flipped bit fails. */
    public byte[] open(byte[] sealed, int off, int len, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, sealed, off, NONCE));
            if (aad != null) {
                c.updateAAD(aad);
            }
            return c.doFinal(sealed, off + NONCE, len - NONCE);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw EngineException.internal("OFFLOAD_DATA_CORRUPT", "an encrypted object in the bucket fails"
                    + " authentication: it was changed, or the encryption key is not the one it was written with", null);
        }
    }

    private byte[] seal(byte[] plain, byte[] nonce, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
            if (aad != null) {
                c.updateAAD(aad);
            }
            byte[] out = new byte[NONCE + c.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            c.doFinal(plain, 0, plain.length, out, NONCE);
            return out;
        } catch (GeneralSecurityException e) {
            throw EngineException.internal("OFFLOAD_CIPHER_FAILED", "AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String label) {
        return hmac(key, label.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw EngineException.internal("OFFLOAD_CIPHER_FAILED", "HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
