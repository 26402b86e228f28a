package io.purebridge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.rest.RestArrayConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's REST 2.x client against the service running as its own process, over HTTPS with
 * the certificate the service made: objects survive kill -9 and a restart on the same ports.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServiceProcessRestTest {
    private static final String TOKEN = "it-primary-token-7d1c";
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        config = dir.resolve("purebridge-server.ini");
        Files.writeString(config, "[server]\ndata_dir = " + dir.resolve("data") + "\nlisten_socket = "
                + dir.resolve("pb.sock") + "\n\n[arrays]\npure-primary = " + TOKEN + "\n");
    }

    private ServiceProcess start() throws Exception {
        return ServiceProcess.start(Path.of(System.getProperty("purebridge.server.jar")), config,
                dir.resolve("service.log"));
    }

    private static FlashArray connect(ServiceProcess service, String token) {
        return new RestArrayConnector().connect(new ArrayEndpoint(service.sanIp("pure-primary"), token, true,
                service.caBundle().toString()));
    }

    @Test
    void objectsMadeOverRestSurviveKill9() throws Exception {
        String sanIp;
        try (ServiceProcess service = start()) {
            sanIp = service.sanIp("pure-primary");
            FlashArray array = connect(service, TOKEN);
            array.createVolume("it-volume", GIB);
            array.createSnapshot("it-volume", "before-crash");
            array.createHost("it-host", List.of("iqn.2026-11.io.purebridge:it"), List.of(), List.of());
            array.connect("it-host", "it-volume");
            array.createVolume("it-doomed", GIB);
            array.destroyVolume("it-doomed");
            service.kill();
        }

        try (ServiceProcess service = start()) {
            assertThat(service.sanIp("pure-primary")).as("the REST port is kept across restarts").isEqualTo(sanIp);
            FlashArray array = connect(service, TOKEN);
            assertThat(array.findVolume("it-volume")).get()
                    .satisfies(volume -> assertThat(volume.provisionedBytes()).isEqualTo(GIB));
            assertThat(array.findSnapshot("it-volume.before-crash")).isPresent();
            assertThat(array.findHost("it-host")).get().extracting(HostRecord::iqns)
                    .isEqualTo(List.of("iqn.2026-11.io.purebridge:it"));
            assertThat(array.listConnections("it-host", "it-volume")).singleElement()
                    .satisfies(connection -> assertThat(connection.lun()).isEqualTo(1));
            assertThat(array.findVolume("it-doomed")).get()
                    .satisfies(volume -> assertThat(volume.destroyed()).isTrue());
        }
    }

    @Test
    void wrongTokenIsRefusedWithoutEchoingIt() throws Exception {
        try (ServiceProcess service = start()) {
            EngineException refused = catchThrowableOfType(EngineException.class,
                    () -> connect(service, "not-the-token-5e1f"));
            assertThat(refused.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(refused.getMessage()).doesNotContain("not-the-token-5e1f").doesNotContain(TOKEN);
        }
    }
}
