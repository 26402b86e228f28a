package io.purebridge.engine.offload;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one signed, heap-backed S3Proxy per test class, and a fresh empty bucket per
 * test ({@link #bucket()}). Use with {@code @RegisterExtension static EmbeddedS3 s3 = new EmbeddedS3();}.
 */
public final class EmbeddedS3 implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private S3ProxyServer server;
    private String bucket;
    private int count;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = S3ProxyServer.transientStore(true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        bucket = "pb-test-" + (++count);
        server.createBucket(bucket);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
    }

    public S3ProxyServer server() {
        return server;
    }

    /** This test's empty bucket. */
    public String bucket() {
        return bucket;
    }

    public OffloadTarget target() {
        return server.target(bucket);
    }
}
