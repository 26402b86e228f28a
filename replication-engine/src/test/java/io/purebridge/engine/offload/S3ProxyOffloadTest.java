package io.purebridge.engine.offload;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/** The offload scenarios against S3Proxy in-process (signed requests, heap store). */
class S3ProxyOffloadTest extends OffloadSuite {
    @RegisterExtension
    static final EmbeddedS3 S3 = new EmbeddedS3();

    @Override
    OffloadTarget newTarget() {
        return S3.target();
    }

    @Override
    Map<String, String> env() {
        return S3.server().env();
    }

    @Override
    S3Client rawClient() {
        return S3.server().client();
    }
}
