package io.purebridge.engine.offload;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * The bucket rules FlashArray enforces before it offloads: private, not versioned, encrypted by
 * default. An empty bucket is initialised (default encryption where missing, a lifecycle rule that
 * aborts incomplete multipart uploads, then the format marker, last); a bucket holding our format
 * is reconnected; anything else is refused with the reason.
 *
 * <p>Where the server answers 501 for a check (S3Proxy implements neither lifecycle nor public
 * access block), the rule cannot be verified: that is logged once per target and rule, and the
 * bucket is refused unless the target sets {@code accept_unverified_bucket_rules}.
 */
public final class BucketRules {
    public static final int FORMAT_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(BucketRules.class);
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final String AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /** What connecting found. */
    public record Connection(boolean initialized, List<String> unverifiedRules) {
    }

    private BucketRules() {
    }

    public static Connection connect(S3Bucket bucket, ChunkCipher cipher) {
        OffloadTarget t = bucket.target();
        var s3 = bucket.client();
        bucket.call("HEAD BUCKET", () -> s3.headBucket(r -> r.bucket(t.bucket())));
        List<String> unverified = new ArrayList<>();
        checkVersioning(bucket, unverified);
        checkNotPublic(bucket, unverified);
        List<S3Object> some = bucket.call("LIST", () -> s3.listObjectsV2(r -> r.bucket(t.bucket()).maxKeys(5)).contents());
        boolean initialize = some.isEmpty();
        if (!initialize) {
            reconnect(bucket, cipher, some);
        }
        checkEncryption(bucket, initialize, unverified);
        if (initialize) {
            putLifecycle(bucket, unverified);
        }
        if (!unverified.isEmpty() && !t.acceptUnverified()) {
            throw EngineException.failedPrecondition("OFFLOAD_BUCKET_UNVERIFIED", t.describe()
                    + ": the server cannot report " + String.join(", ", unverified)
                    + " (HTTP 501 Not Implemented); make sure of it yourself and set"
                    + " accept_unverified_bucket_rules = true to use this bucket");
        }
        if (initialize) {
            writeMarker(bucket, cipher);
        }
        return new Connection(initialize, List.copyOf(unverified));
    }

    private static void reconnect(S3Bucket bucket, ChunkCipher cipher, List<S3Object> some) {
        OffloadTarget t = bucket.target();
        byte[] marker = bucket.get(BucketLayout.FORMAT_KEY).orElse(null);
        if (marker == null) {
            throw EngineException.failedPrecondition("OFFLOAD_BUCKET_NOT_EMPTY", t.describe() + " holds objects that"
                    + " are not purebridge offload data (e.g. '" + some.get(0).key() + "'): use an empty bucket"
                    + " reserved for offload");
        }
        Map<?, ?> m;
        try {
            m = JSON.readValue(marker, Map.class);
        } catch (java.io.IOException e) {
            throw EngineException.failedPrecondition("OFFLOAD_BUCKET_FORMAT_UNKNOWN", t.describe()
                    + ": its format marker " + BucketLayout.FORMAT_KEY + " cannot be read; the bucket is not ours");
        }
        if (!"purebridge-offload".equals(m.get("format")) || !(m.get("version") instanceof Integer v)
                || v > FORMAT_VERSION) {
            throw EngineException.failedPrecondition("OFFLOAD_BUCKET_FORMAT_UNKNOWN", t.describe()
                    + " holds format " + m.get("format") + " version " + m.get("version")
                    + ", which this release cannot read; upgrade purebridge");
        }
        Object check = m.get("key_check");
        if (check != null && cipher == null) {
            throw EngineException.failedPrecondition("OFFLOAD_KEY_REQUIRED", t.describe()
                    + " holds client-side encrypted snapshots: configure encryption_key with the key they were written with");
        }
        if (check == null && cipher != null) {
            throw EngineException.failedPrecondition("OFFLOAD_KEY_UNEXPECTED", t.describe()
                    + " was initialised without client-side encryption: remove encryption_key or use another bucket");
        }
        if (cipher != null && !cipher.checkValue().equals(check)) {
            throw EngineException.failedPrecondition("OFFLOAD_KEY_MISMATCH", t.describe()
                    + " was initialised with a different encryption key: configure the key its snapshots were written with");
        }
    }

    private static void writeMarker(S3Bucket bucket, ChunkCipher cipher) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "purebridge-offload");
        m.put("version", FORMAT_VERSION);
        m.put("chunk", "sha256-named, codec byte + lz4 (io.purebridge.engine.chunk.ChunkCodec), 32 KiB blocks");
        m.put("encryption", cipher == null ? "none" : "aes-256-gcm");
        if (cipher != null) {
            m.put("key_check", cipher.checkValue());
        }
        try {
            bucket.put(BucketLayout.FORMAT_KEY, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m)
                    .getBytes(StandardCharsets.UTF_8), "STANDARD");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkVersioning(S3Bucket bucket, List<String> unverified) {
        OffloadTarget t = bucket.target();
        try {
            BucketVersioningStatus st = bucket.call("GET VERSIONING", () -> bucket.client()
                    .getBucketVersioning(r -> r.bucket(t.bucket())).status());
            if (st == BucketVersioningStatus.ENABLED || st == BucketVersioningStatus.SUSPENDED) {
                throw EngineException.failedPrecondition("OFFLOAD_BUCKET_VERSIONED", t.describe()
                        + " has versioning " + st + "; offload does not support versioned buckets: use a bucket"
                        + " that never had versioning enabled");
            }
        } catch (EngineException e) {
            unimplemented(t, e, "versioning", unverified);
        }
    }

    private static void checkNotPublic(S3Bucket bucket, List<String> unverified) {
        OffloadTarget t = bucket.target();
        boolean blocked = false;
        try {
            var c = bucket.call("GET PUBLIC ACCESS BLOCK", () -> bucket.client()
                    .getPublicAccessBlock(r -> r.bucket(t.bucket())).publicAccessBlockConfiguration());
            blocked = Boolean.TRUE.equals(c.blockPublicAcls()) && Boolean.TRUE.equals(c.ignorePublicAcls())
                    && Boolean.TRUE.equals(c.blockPublicPolicy()) && Boolean.TRUE.equals(c.restrictPublicBuckets());
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                unimplemented(t, e, "public access block", unverified);
            }
        }
        if (blocked) {
            return;
        }
        try {
            List<Grant> grants = bucket.call("GET ACL", () -> bucket.client().getBucketAcl(r -> r.bucket(t.bucket())).grants());
            for (Grant g : grants) {
                String uri = g.grantee() == null ? null : g.grantee().uri();
                if (ALL_USERS.equals(uri) || AUTH_USERS.equals(uri)) {
                    throw EngineException.failedPrecondition("OFFLOAD_BUCKET_PUBLIC", t.describe()
                            + " grants " + g.permissionAsString() + " to " + uri + "; make the bucket private");
                }
            }
        } catch (EngineException e) {
            unimplemented(t, e, "bucket ACL", unverified);
        }
    }

    private static void checkEncryption(S3Bucket bucket, boolean initialize, List<String> unverified) {
        OffloadTarget t = bucket.target();
        try {
            bucket.call("GET ENCRYPTION", () -> bucket.client().getBucketEncryption(r -> r.bucket(t.bucket())));
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                if (!initialize) {
                    throw EngineException.failedPrecondition("OFFLOAD_BUCKET_UNENCRYPTED", t.describe()
                            + " has no default encryption; enable default server-side encryption on it");
                }
                try {
                    bucket.call("PUT ENCRYPTION", () -> bucket.client().putBucketEncryption(r -> r.bucket(t.bucket())
                            .serverSideEncryptionConfiguration(c -> c.rules(List.of(ServerSideEncryptionRule.builder()
                                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                    .build())))));
                } catch (EngineException pe) {
                    unimplemented(t, pe, "default encryption", unverified);
                }
                return;
            }
            unimplemented(t, e, "default encryption", unverified);
        }
    }

    private static void putLifecycle(S3Bucket bucket, List<String> unverified) {
        OffloadTarget t = bucket.target();
        try {
            bucket.call("PUT LIFECYCLE", () -> bucket.client().putBucketLifecycleConfiguration(r -> r.bucket(t.bucket())
                    .lifecycleConfiguration(c -> c.rules(List.of(LifecycleRule.builder()
                            .id("purebridge-abort-incomplete-uploads")
                            .status(ExpirationStatus.ENABLED).filter(f -> f.prefix(""))
                            .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1)).build())))));
        } catch (EngineException e) {
            unimplemented(t, e, "lifecycle rule (abort incomplete multipart uploads)", unverified);
        }
    }

    /** Records a 501 (reported once per target and rule); rethrows anything else. */
    private static void unimplemented(OffloadTarget t, EngineException e, String rule, List<String> unverified) {
        if (e.code() != ErrorCode.UNIMPLEMENTED) {
            throw e;
        }
        unverified.add(rule);
        if (REPORTED.add(t.name() + "/" + t.bucket() + "/" + rule)) {
            LOG.warn("{}: the server does not implement the {} check (HTTP 501); {}", t.describe(), rule,
                    t.acceptUnverified() ? "accepted because accept_unverified_bucket_rules = true"
                            : "the bucket is refused unless accept_unverified_bucket_rules = true");
        }
    }
}
