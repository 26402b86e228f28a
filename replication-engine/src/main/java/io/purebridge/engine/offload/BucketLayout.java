package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.util.regex.Pattern;

/**
 * Where each kind of object lives in an offload bucket. Packs sit under two levels of hashed
 * prefixes taken from their own SHA-256 name, so keys spread evenly over S3 partitions;
 * manifests, leases and the sweep marker have fixed prefixes so each kind lists on its own.
 */
public final class BucketLayout {
    public static final String FORMAT_KEY = "purebridge/format.json";
    public static final String PACKS = "chunks/";
    public static final String MANIFESTS = "manifests/";
    public static final String LEASES = "leases/";
    public static final String SWEEP_KEY = "gc/sweep";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private BucketLayout() {
    }

    public static String packKey(String sha256Hex) {
        return PACKS + sha256Hex.substring(0, 2) + "/" + sha256Hex.substring(2, 4) + "/" + sha256Hex;
    }

    /** The pack name (its SHA-256) of a pack key. */
    public static String packName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** Manifest key of snapshot {@code snapshot} of array {@code array}. */
    public static String manifestKey(String array, String snapshot) {
        return MANIFESTS + check("array", array) + "/" + check("snapshot", snapshot);
    }

    public static String leaseKey(String array, String snapshot) {
        return LEASES + check("array", array) + "/" + check("snapshot", snapshot);
    }

    private static String check(String what, String v) {
        if (v == null || !PART.matcher(v).matches() || v.contains("..")) {
            throw EngineException.invalidArgument("OFFLOAD_NAME_INVALID", what + " name '" + v
                    + "' cannot name an offloaded snapshot: use letters, digits and . _ : -");
        }
        return v;
    }
}
