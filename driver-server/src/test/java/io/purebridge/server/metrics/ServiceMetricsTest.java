package io.purebridge.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.server.ServerMain;
import io.purebridge.server.config.ConfigOverrides;
import io.purebridge.server.config.ServiceConfigLoader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The service as ServerMain starts it: the endpoint follows [metrics], and stops with the service. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceMetricsTest {
    @TempDir
    Path dir;

    private Path ini(String metrics) throws Exception {
        Path file = dir.resolve("pb.ini");
        Files.writeString(file, "[server]\ndata_dir = " + dir.resolve("data") + "\n[arrays]\npure-primary = "
                + "tok-primary-secret-0123\npure-dr = tok-dr-secret-4567\n[rest]\nenabled = false\n" + metrics);
        return file;
    }

    @Test
    void enabledServesTheHostedArraysAndClosesWithTheService() throws Exception {
        int port;
        try (ServerMain.Running running = ServerMain.start(ServiceConfigLoader.load(
                ini("[metrics]\nenabled = true\nport = 0\n"), ConfigOverrides.none()))) {
            port = running.metricsEndpoint().orElseThrow().port();
            Scrape scrape = Scrape.of(port);

            assertThat(scrape.value(ArraysCollector.UP, "array", "pure-primary")).isEqualTo(1);
            assertThat(scrape.value(ArraysCollector.UP, "array", "pure-dr")).isEqualTo(1);
            assertThat(scrape.value(ReplicationCollector.LINK_UP, "array_a", "pure-dr", "array_b", "pure-primary"))
                    .isEqualTo(1);
            assertThat(scrape.body()).doesNotContain("tok-primary-secret-0123").doesNotContain("tok-dr-secret-4567");
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void offByDefault() throws Exception {
        try (ServerMain.Running running = ServerMain.start(ServiceConfigLoader.load(ini(""), ConfigOverrides.none()))) {
            assertThat(running.metricsEndpoint()).isEmpty();
        }
    }
}
