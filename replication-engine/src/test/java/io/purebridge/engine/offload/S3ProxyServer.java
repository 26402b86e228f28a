package io.purebridge.engine.offload;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server in the test's JVM: S3Proxy 4.1.0 on a transient (heap) or filesystem store,
 * bound to 127.0.0.1 on an ephemeral port, signed (SigV4) when given credentials.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS = "AKIAPUREBRIDGETEST01";
    public static final String SECRET = "pbTestSecretKey0123456789abcdefghijklmnop";

    private final S3Proxy proxy;
    private final boolean signed;

    private S3ProxyServer(BlobStore store, boolean signed) throws Exception {
        this.signed = signed;
        S3Proxy.Builder b = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .ignoreUnknownHeaders(true);
        if (signed) {
            b.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET);
        }
        proxy = b.build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    /** Heap-backed: supports versioning and bucket encryption; 501 for lifecycle and public access block. */
    public static S3ProxyServer transientStore(boolean signed) throws Exception {
        return new S3ProxyServer(new TransientNio2BlobStore(), signed);
    }

    /** Disk-backed under {@code dir}: 501 for encryption too (by design of that store). */
    public static S3ProxyServer filesystemStore(Path dir, boolean signed) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        return new S3ProxyServer(new FilesystemNio2BlobStore(dir.toString()), signed);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A raw client for setting up buckets and looking inside them. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(signed ? StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))
                        : AnonymousCredentialsProvider.create())
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client c = client()) {
            c.createBucket(r -> r.bucket(bucket));
        }
    }

    /** Environment for targets built by {@link #target}: the credentials sit in variables. */
    public Map<String, String> env() {
        return Map.of("PB_TEST_ACCESS", ACCESS, "PB_TEST_SECRET", SECRET);
    }

    /** A target for {@code bucket} on this server (501 rules accepted, as S3Proxy lacks them). */
    public OffloadTarget target(String bucket) {
        return new OffloadTarget("offload-s3", bucket, endpoint(), "us-east-1",
                signed ? SecretRef.parse("access_key_id", "env:PB_TEST_ACCESS") : null,
                signed ? SecretRef.parse("secret_access_key", "env:PB_TEST_SECRET") : null,
                null, Placement.RETENTION_BASED, true,
                OffloadTuning.defaults().withPack(1 << 20, 5 << 20));
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }
}
