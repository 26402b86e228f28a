package io.purebridge.server.s3;

import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTuning;
import io.purebridge.engine.offload.Placement;
import io.purebridge.engine.offload.SecretRef;
import io.purebridge.server.config.S3ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 server embedded in the service ({@code [s3]}): S3Proxy on a filesystem store under
 * {@code <data_dir>/s3/data/}, SigV4-signed with credentials generated on first start and kept
 * (mode 0600) in {@code <data_dir>/s3/} ({@link S3Credentials}). It gives a fresh installation a
 * ready offload target; a restart serves the same buckets with the same credentials.
 */
public final class EmbeddedS3Server implements AutoCloseable {
    /** Sub-directory of data_dir. */
    public static final String DIR = "s3";
    static final String DATA = "data";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final BlobStore store;
    private final S3Credentials credentials;
    private final String host;

    private EmbeddedS3Server(S3Proxy proxy, BlobStore store, S3Credentials credentials, String host) {
        this.proxy = proxy;
        this.store = store;
        this.credentials = credentials;
        this.host = host;
    }

    /** Starts the server on {@code config}'s address; returns once it answers. */
    public static EmbeddedS3Server start(Path dataDir, S3ServerConfig config) throws IOException {
        Path dir = dataDir.resolve(DIR);
        Path data = dir.resolve(DATA);
        Files.createDirectories(data);
        S3Credentials credentials = S3Credentials.loadOrCreate(dir);
        BlobStore store = new FilesystemNio2BlobStore(data.toString());
        String bind = config.bindAddress();
        String uriHost = bind.contains(":") ? "[" + bind + "]" : bind;
        S3Proxy proxy = S3Proxy.builder().blobStore(store)
                .endpoint(URI.create("http://" + uriHost + ":" + config.port()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
                // The SDK sends headers (checksums, trailers) S3Proxy does not know; the engine
                // keeps its own SHA-256 per chunk (S3 notes, pitfalls 6 and 9).
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
                    throw new IOException("the embedded S3 server did not start on " + uriHost + ":" + config.port()
                            + " (state " + proxy.getState() + "); is the port in use? set [s3] port = 0 for a free one");
                }
                Thread.sleep(10);
            }
        } catch (IOException e) {
            stopQuietly(proxy);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(proxy);
            throw new IOException("interrupted while starting the embedded S3 server", e);
        } catch (Exception e) {
            stopQuietly(proxy);
            throw new IOException("the embedded S3 server did not start on " + uriHost + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        // Local clients reach a wildcard bind through loopback.
        String clientHost = bind.equals("0.0.0.0") ? "127.0.0.1" : bind.equals("::") ? "::1" : bind;
        EmbeddedS3Server server = new EmbeddedS3Server(proxy, store, credentials, clientHost);
        LOG.info("s3: embedded S3 server on {} (data in {})", server.endpoint(), data);
        return server;
    }

    /** Where clients on this machine reach it, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + proxy.getPort());
    }

    public int port() {
        return proxy.getPort();
    }

    /** The AWS shared-credentials file (profile default) for the aws CLI and SDKs. */
    public Path credentialsFile() {
        return credentials.credentialsFile();
    }

    /** Creates {@code bucket} unless it exists. */
    public void ensureBucket(String bucket) {
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
            LOG.info("s3: created bucket {}", bucket);
        }
    }

    /**
     * An offload target on this server: its credentials by reference to their files. The
     * filesystem store cannot report encryption, lifecycle or public access (501), so those rules
     * are accepted unverified: the data sits in the service's own data directory (mode 0700).
     */
    public OffloadTarget target(String name, String bucket) {
        return new OffloadTarget(name, bucket, endpoint(), "us-east-1",
                new SecretRef("file", credentials.accessKeyIdFile().toString()),
                new SecretRef("file", credentials.secretAccessKeyFile().toString()),
                null, Placement.RETENTION_BASED, true, OffloadTuning.defaults());
    }

    @Override
    public void close() {
        stopQuietly(proxy);
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("s3: the embedded S3 server did not stop cleanly: {}", e.toString());
        }
    }
}
