package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One offload target as configured (FlashArray calls these "offload targets", named like
 * replication targets, e.g. {@code offload-s3}). Secrets are references ({@link SecretRef}); no
 * field holds a key, so the record can be logged and shown.
 *
 * @param name target name, 1-56 characters of [a-zA-Z0-9-]
 * @param bucket bucket name, 3-63 characters of [a-z0-9.-]
 * @param endpoint the S3 endpoint, or null for AWS in {@code region}
 * @param region signing region
 * @param accessKeyId access key id reference, or null for anonymous requests (loopback servers)
 * @param secretAccessKey secret key reference, or null with {@code accessKeyId}
 * @param encryptionKey client-side AES-256-GCM key reference (base64 of 32 bytes), or null
 * @param placement storage class strategy
 * @param acceptUnverified accept a bucket whose server cannot report one of the rules (501)
 * @param tuning sizes, concurrency, timeouts
 * @param nameOnArrays what FlashArrays reached over REST call this target, when their administrator
 *     connected them to the bucket under another name (null: {@code name})
 */
public record OffloadTarget(
        String name,
        String bucket,
        URI endpoint,
        String region,
        SecretRef accessKeyId,
        SecretRef secretAccessKey,
        SecretRef encryptionKey,
        Placement placement,
        boolean acceptUnverified,
        OffloadTuning tuning,
        String nameOnArrays) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{1,56}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public OffloadTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(tuning, "tuning");
        if (!NAME.matcher(name).matches()) {
            throw EngineException.invalidArgument("OFFLOAD_TARGET_NAME_INVALID", "offload target name '" + name
                    + "' must be 1-56 characters of letters, digits and '-'");
        }
        nameOnArrays = nameOnArrays == null || nameOnArrays.isBlank() ? name : nameOnArrays.strip();
        if (!NAME.matcher(nameOnArrays).matches()) {
            throw EngineException.invalidArgument("OFFLOAD_TARGET_NAME_INVALID", "offload target " + name
                    + ": array_target_name '" + nameOnArrays + "' must be 1-56 characters of letters, digits and '-',"
                    + " as FlashArray names its offload targets");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw EngineException.invalidArgument("OFFLOAD_BUCKET_INVALID", "offload target " + name + ": bucket '"
                    + bucket + "' must be 3-63 characters of lower-case letters, digits, '.' and '-'");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw EngineException.invalidArgument("OFFLOAD_CREDENTIALS_INCOMPLETE", "offload target " + name
                    + ": set both access_key_id and secret_access_key (references), or neither for anonymous access");
        }
        if (endpoint != null && !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
            throw EngineException.invalidArgument("OFFLOAD_ENDPOINT_INVALID", "offload target " + name
                    + ": endpoint '" + endpoint + "' must be an http:// or https:// URL");
        }
    }

    /** A target that FlashArrays know under its own name. */
    public OffloadTarget(String name, String bucket, URI endpoint, String region, SecretRef accessKeyId,
            SecretRef secretAccessKey, SecretRef encryptionKey, Placement placement, boolean acceptUnverified,
            OffloadTuning tuning) {
        this(name, bucket, endpoint, region, accessKeyId, secretAccessKey, encryptionKey, placement, acceptUnverified,
                tuning, null);
    }

    /**
     * Builds a target from a config section: {@code bucket}, {@code endpoint}, {@code region},
     * {@code access_key_id}, {@code secret_access_key}, {@code encryption_key} (each env:/file:),
     * {@code placement}, {@code accept_unverified_bucket_rules}, {@code array_target_name} and the
     * {@link OffloadTuning} keys.
     */
    public static OffloadTarget fromConfig(String name, Map<String, String> section) {
        String bucket = section.get("bucket");
        if (bucket == null || bucket.isBlank()) {
            throw EngineException.invalidArgument("OFFLOAD_BUCKET_MISSING", "offload target " + name
                    + ": set bucket = <name of an empty bucket reserved for offload>");
        }
        URI endpoint = null;
        String ep = section.get("endpoint");
        if (ep != null && !ep.isBlank()) {
            try {
                endpoint = URI.create(ep.strip());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalidArgument("OFFLOAD_ENDPOINT_INVALID", "offload target " + name
                        + ": endpoint '" + ep + "' is not a URL");
            }
        }
        String region = section.getOrDefault("region", "us-east-1").strip();
        SecretRef access = opt(section, "access_key_id");
        SecretRef secret = opt(section, "secret_access_key");
        SecretRef key = opt(section, "encryption_key");
        Placement placement = Placement.parse(section.get("placement"));
        boolean accept = Boolean.parseBoolean(section.getOrDefault("accept_unverified_bucket_rules", "false")
                .strip().toLowerCase(Locale.ROOT));
        return new OffloadTarget(name, bucket.strip(), endpoint, region, access, secret, key, placement, accept,
                OffloadTuning.fromConfig(name, section), section.get("array_target_name"));
    }

    private static SecretRef opt(Map<String, String> section, String key) {
        String v = section.get(key);
        return v == null || v.isBlank() ? null : SecretRef.parse(key, v);
    }

    public OffloadTarget withBucket(String otherBucket) {
        return new OffloadTarget(name, otherBucket, endpoint, region, accessKeyId, secretAccessKey, encryptionKey,
                placement, acceptUnverified, tuning, nameOnArrays);
    }

    public OffloadTarget withEndpoint(URI otherEndpoint) {
        return new OffloadTarget(name, bucket, otherEndpoint, region, accessKeyId, secretAccessKey, encryptionKey,
                placement, acceptUnverified, tuning, nameOnArrays);
    }

    public OffloadTarget withTuning(OffloadTuning other) {
        return new OffloadTarget(name, bucket, endpoint, region, accessKeyId, secretAccessKey, encryptionKey,
                placement, acceptUnverified, other, nameOnArrays);
    }

    public OffloadTarget withAcceptUnverified(boolean accept) {
        return new OffloadTarget(name, bucket, endpoint, region, accessKeyId, secretAccessKey, encryptionKey,
                placement, accept, tuning, nameOnArrays);
    }

    /** How the target is named in messages: never a secret. */
    public String describe() {
        return "offload target " + name + " (bucket " + bucket + (endpoint == null ? "" : " at " + endpoint) + ")";
    }
}
