package io.purebridge.server.testing;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.engine.offload.S3ProxyServer;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.ServerMain;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.ServiceConfig;
import io.purebridge.server.config.ServiceConfigLoader;
import io.purebridge.server.rest.RestFrontEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A real running service for offload tests: two simulated arrays (pure-primary, pure-dr) and the
 * sections a test adds ([s3], [offload.NAME], [metrics]), on a unix socket under {@code dir}. The
 * config file doubles as the CLI's tokens file.
 */
public final class OffloadFixture implements AutoCloseable {
    public static final String PRIMARY = "pure-primary";
    public static final String DR = "pure-dr";
    public static final String PRIMARY_TOKEN = "0b2a9c9e-primary-token";
    public static final String DR_TOKEN = "c3d9a871-dr-token";
    public static final int MIB = 1 << 20;

    public final Path dir;
    public final Path config;
    public final Path socket;
    public final ServerMain.Running running;

    private OffloadFixture(Path dir, Path config, Path socket, ServerMain.Running running) {
        this.dir = dir;
        this.config = config;
        this.socket = socket;
        this.running = running;
    }

    /** Starts the service with {@code extraSections} appended to the [server]/[arrays]/[rest] sections. */
    public static OffloadFixture start(Path dir, String extraSections) throws Exception {
        return start(dir, extraSections, false);
    }

    /** As {@link #start(Path, String)}, with the REST front end when {@code rest}. */
    public static OffloadFixture start(Path dir, String extraSections, boolean rest) throws Exception {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        Path socket = dir.resolve("pb.sock");
        Path config = dir.resolve("purebridge-server.ini");
        Files.writeString(config, "[server]\ndata_dir = " + data + "\nlisten_socket = " + socket
                + "\neradication_delay_seconds = 60\n\n[arrays]\n" + PRIMARY + " = " + PRIMARY_TOKEN + "\n" + DR + " = "
                + DR_TOKEN + "\n\n[rest]\nenabled = " + rest + "\n\n" + extraSections);
        ServiceConfig loaded = ServiceConfigLoader.load(config, new ConfigOverrides(Optional.empty(), Optional.empty(),
                Optional.empty()));
        return new OffloadFixture(dir, config, socket, ServerMain.start(loaded));
    }

    /**
     * An [offload.offload-s3] section on {@code s3}'s {@code bucket} (which the test creates), which
     * arrays call {@code arrayName} (array_target_name); its credentials in files under {@code dir}.
     */
    public static String targetSection(Path dir, S3ProxyServer s3, String bucket, String arrayName)
            throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("id"), S3ProxyServer.ACCESS + "\n");
        Files.writeString(secrets.resolve("secret"), S3ProxyServer.SECRET + "\n");
        return "[offload.offload-s3]\nbucket = " + bucket + "\nendpoint = " + s3.endpoint() + "\naccess_key_id = file:"
                + secrets.resolve("id") + "\nsecret_access_key = file:" + secrets.resolve("secret")
                + "\naccept_unverified_bucket_rules = true\narray_target_name = " + arrayName + "\n";
    }

    public String endpoint() {
        return "unix:" + socket;
    }

    public SimulatedFlashArray primary() {
        return running.engine().simulatedArrays().open(PRIMARY, PRIMARY_TOKEN);
    }

    public SimulatedFlashArray dr() {
        return running.engine().simulatedArrays().open(DR, DR_TOKEN);
    }

    /** A client of one simulated array through the REST front end, as Cinder's driver reaches a FlashArray. */
    public RestFlashArray overRest(String array, String token) {
        RestFrontEnd frontEnd = running.rest().orElseThrow();
        return new RestArrayConnector().connect(new ArrayEndpoint(frontEnd.sanIp(array), token, true,
                frontEnd.certificatePem().toString()));
    }

    /**
     * Registers Cinder backend {@code backend} on pure-dr reached through the REST front end (the
     * path to a real FlashArray), certificate checked.
     */
    public CinderBackend drBackendOverRest(String backend) {
        RestFrontEnd frontEnd = running.rest().orElseThrow();
        BackendRegistry registry = running.engine().registry();
        registry.register(new BackendConfig(backend, StorageProtocol.ISCSI, Map.of(
                "san_ip", frontEnd.sanIp(DR), "pure_api_token", DR_TOKEN, "volume_backend_name", backend,
                "driver_ssl_cert_verify", "true", "driver_ssl_cert_path", frontEnd.certificatePem().toString()),
                List.of(), ""));
        return registry.backend(backend);
    }

    /** Writes {@code sizeMib} MiB of seeded random bytes to a new volume of pure-primary and snapshots it. */
    public byte[] snapshot(String volume, String suffix, int sizeMib, long seed) {
        byte[] image = new byte[sizeMib * MIB];
        new Random(seed).nextBytes(image);
        // A compressible second half, as real volumes have.
        byte[] text = "purebridge offload test line\n".repeat(sizeMib * MIB / 58 + 1).getBytes();
        System.arraycopy(text, 0, image, image.length / 2, image.length / 2);
        SimulatedFlashArray p = primary();
        p.createVolume(volume, image.length);
        p.write(volume, 0, image);
        p.createSnapshot(volume, suffix);
        return image;
    }

    @Override
    public void close() {
        running.close();
    }
}
