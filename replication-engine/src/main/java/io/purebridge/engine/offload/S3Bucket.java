package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.paginators.ListObjectsV2Iterable;

/**
 * One offload bucket through the AWS SDK v2 sync client: path-style, checksums only where S3
 * requires them (the S3 notes: faster and portable to servers that mishandle trailers), retries
 * with the SDK's standard strategy without its circuit breaker (a flaky endpoint must slow an
 * offload, not fail it), also when an XML answer was cut short (the SDK reports that as a parse
 * failure and would not retry it). Every failure becomes an {@link EngineException} naming the target and
 * the operation; SDK messages never carry credentials.
 */
public final class S3Bucket implements AutoCloseable {
    private final OffloadTarget target;
    private final S3Client s3;

    public S3Bucket(OffloadTarget target, Map<String, String> env) {
        this.target = target;
        AwsCredentialsProvider creds = target.accessKeyId() == null
                ? AnonymousCredentialsProvider.create()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        target.accessKeyId().resolve("access_key_id", env),
                        target.secretAccessKey().resolve("secret_access_key", env)));
        var b = S3Client.builder()
                .region(Region.of(target.region()))
                .credentialsProvider(creds)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(target.tuning().maxAttempts()).circuitBreakerEnabled(false)
                        .retryOnRootCauseInstanceOf(IOException.class).build())
                        .apiCallAttemptTimeout(Duration.ofMinutes(2)))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(target.tuning().concurrency() * 2 + 2)
                        .socketTimeout(Duration.ofSeconds(30))
                        .connectionTimeout(Duration.ofSeconds(10)));
        if (target.endpoint() != null) {
            b.endpointOverride(target.endpoint());
        }
        this.s3 = b.build();
    }

    public OffloadTarget target() {
        return target;
    }

    /** The raw client, for the bucket-rule checks that need sub-resources. */
    S3Client client() {
        return s3;
    }

    public void put(String key, byte[] data, String storageClass) {
        call("PUT " + key, () -> s3.putObject(r -> r.bucket(target.bucket()).key(key).storageClass(storageClass)
                .contentType("application/octet-stream"), RequestBody.fromBytes(data)));
    }

    /** The object, or empty when it does not exist. */
    public Optional<byte[]> get(String key) {
        return call("GET " + key, () -> {
            try {
                return Optional.of(s3.getObject(q -> q.bucket(target.bucket()).key(key), S3Bucket::readBody));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The body read straight into an array of its declared length: packs are tens of MiB, and the
     * SDK's {@code toBytes} grows a buffer and copies it (about three copies of every byte). A body
     * cut short is returned short; its checks find it.
     */
    private static byte[] readBody(GetObjectResponse response, InputStream in) throws IOException {
        Long length = response.contentLength();
        if (length == null || length < 0 || length > Integer.MAX_VALUE - 16) {
            return in.readAllBytes();
        }
        byte[] body = new byte[length.intValue()];
        int n = in.readNBytes(body, 0, body.length);
        return n == body.length ? body : Arrays.copyOf(body, n);
    }

    public boolean exists(String key) {
        return size(key).isPresent();
    }

    /** The object's length in bytes, or empty when it does not exist. */
    public OptionalLong size(String key) {
        return call("HEAD " + key, () -> {
            try {
                Long length = s3.headObject(q -> q.bucket(target.bucket()).key(key)).contentLength();
                return length == null ? OptionalLong.of(-1) : OptionalLong.of(length);
            } catch (NoSuchKeyException e) {
                return OptionalLong.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return OptionalLong.empty();
                }
                throw e;
            }
        });
    }

    /** Keys (and sizes, times) under {@code prefix}, all pages. */
    public List<S3Object> list(String prefix) {
        return call("LIST " + prefix, () -> {
            List<S3Object> out = new ArrayList<>();
            ListObjectsV2Iterable pages = s3.listObjectsV2Paginator(q -> q.bucket(target.bucket()).prefix(prefix));
            pages.contents().forEach(out::add);
            return out;
        });
    }

    public void delete(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys);
        for (int i = 0; i < all.size(); i += 1000) {
            List<ObjectIdentifier> ids = all.subList(i, Math.min(all.size(), i + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            call("DELETE " + ids.size() + " objects", () -> s3.deleteObjects(q -> q.bucket(target.bucket())
                    .delete(Delete.builder().objects(ids).quiet(true).build())));
        }
    }

    public void delete(String key) {
        call("DELETE " + key, () -> s3.deleteObject(q -> q.bucket(target.bucket()).key(key)));
    }

    /**
     * Uploads a stream of about {@code expectedBytes}: one PUT when it fits in one part, else a
     * multipart upload with parts sent in parallel ({@link MultipartWriter}), aborted on failure.
     */
    public void upload(String key, InputStream in, long expectedBytes, String storageClass) {
        long part = target.tuning().partSizeFor(expectedBytes);
        if (expectedBytes <= part) {
            try {
                put(key, in.readAllBytes(), storageClass);
            } catch (IOException e) {
                throw EngineException.unavailable("OFFLOAD_STREAM_FAILED", target.describe() + ": upload of " + key
                        + " could not read its data (" + e.getMessage() + ")");
            }
            return;
        }
        new MultipartWriter(this, key, storageClass, (int) Math.min(Integer.MAX_VALUE - 64, part)).write(in);
    }

    /** Aborts multipart uploads under {@code prefix} started before {@code before}; returns how many. */
    public int abortUploads(String prefix, Instant before) {
        return call("LIST UPLOADS " + prefix, () -> {
            int n = 0;
            String keyMarker = null;
            String idMarker = null;
            while (true) {
                String km = keyMarker;
                String im = idMarker;
                ListMultipartUploadsResponse r = s3.listMultipartUploads(q -> q.bucket(target.bucket()).prefix(prefix)
                        .keyMarker(km).uploadIdMarker(im));
                for (MultipartUpload u : r.uploads()) {
                    if (u.initiated() == null || u.initiated().isBefore(before)) {
                        s3.abortMultipartUpload(q -> q.bucket(target.bucket()).key(u.key()).uploadId(u.uploadId()));
                        n++;
                    }
                }
                if (!Boolean.TRUE.equals(r.isTruncated())) {
                    return n;
                }
                keyMarker = r.nextKeyMarker();
                idMarker = r.nextUploadIdMarker();
            }
        });
    }

    /** Runs one S3 call, turning SDK failures into engine errors that name the target. */
    <T> T call(String what, Supplier<T> op) {
        try {
            return op.get();
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            ErrorCode ec = switch (e.statusCode()) {
                case 403 -> ErrorCode.UNAUTHENTICATED;
                case 404 -> ErrorCode.NOT_FOUND;
                case 501 -> ErrorCode.UNIMPLEMENTED;
                default -> e.statusCode() >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.FAILED_PRECONDITION;
            };
            throw new EngineException(ec, "OFFLOAD_S3_" + e.statusCode(), target.describe() + ": " + what
                    + " answered HTTP " + e.statusCode() + (code == null || code.isEmpty() ? "" : " " + code)
                    + hint(e.statusCode()), e);
        } catch (SdkException e) {
            throw new EngineException(ErrorCode.UNAVAILABLE, "OFFLOAD_S3_UNREACHABLE", target.describe() + ": " + what
                    + " failed after retries (" + e.getClass().getSimpleName() + "); check that the endpoint is up", e);
        } catch (UncheckedIOException e) {
            throw EngineException.unavailable("OFFLOAD_STREAM_FAILED", target.describe() + ": " + what
                    + " could not read its data (" + e.getCause().getClass().getSimpleName() + ")");
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 403 -> "; check the credentials' references and the key's permissions on the bucket";
            case 404 -> "; check that the bucket exists";
            default -> "";
        };
    }

    @Override
    public void close() {
        s3.close();
    }
}
