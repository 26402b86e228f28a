package io.purebridge.engine.offload;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The same offload scenarios against MinIO through Testcontainers, where a Docker engine exists;
 * skipped with the reason otherwise (the S3Proxy run of the suite covers the machine without it).
 */
class MinioOffloadTest extends OffloadSuite {
    private static GenericContainer<?> minio;
    private static int buckets;

    @BeforeAll
    static void startMinio() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        Assumptions.assumeTrue(docker, "no Docker engine on this machine: the MinIO run of the offload suite is"
                + " skipped (S3ProxyOffloadTest runs the same scenarios in-process)");
        minio = new GenericContainer<>("minio/minio:RELEASE.2025-04-22T22-12-26Z")
                .withEnv("MINIO_ROOT_USER", S3ProxyServer.ACCESS)
                .withEnv("MINIO_ROOT_PASSWORD", S3ProxyServer.SECRET)
                .withCommand("server", "/data")
                .withExposedPorts(9000)
                .waitingFor(Wait.forHttp("/minio/health/live").forPort(9000));
        minio.start();
    }

    @AfterAll
    static void stopMinio() {
        if (minio != null) {
            minio.stop();
        }
    }

    private static URI endpoint() {
        return URI.create("http://" + minio.getHost() + ":" + minio.getMappedPort(9000));
    }

    @Override
    OffloadTarget newTarget() {
        String bucket = "pb-minio-" + (++buckets);
        try (S3Client c = rawClient()) {
            c.createBucket(r -> r.bucket(bucket));
        }
        OffloadTarget t = new OffloadTarget("offload-s3", bucket, endpoint(), "us-east-1",
                SecretRef.parse("access_key_id", "env:PB_TEST_ACCESS"),
                SecretRef.parse("secret_access_key", "env:PB_TEST_SECRET"), null, Placement.RETENTION_BASED, true,
                OffloadTuning.defaults().withPack(1 << 20, 5 << 20));
        return t;
    }

    @Override
    Map<String, String> env() {
        return Map.of("PB_TEST_ACCESS", S3ProxyServer.ACCESS, "PB_TEST_SECRET", S3ProxyServer.SECRET);
    }

    @Override
    S3Client rawClient() {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS, S3ProxyServer.SECRET)))
                .build();
    }
}
