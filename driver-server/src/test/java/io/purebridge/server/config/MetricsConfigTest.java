package io.purebridge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The [metrics] section: off and loopback unless the operator says otherwise; bad values name the key. */
@Timeout(30)
class MetricsConfigTest {
    @TempDir
    Path dir;

    private ServiceConfig load(String text) throws IOException, ConfigException {
        Path file = dir.resolve("purebridge-server.ini");
        Files.writeString(file, text);
        return ServiceConfigLoader.load(file, ConfigOverrides.none());
    }

    @Test
    void offAndOnLoopbackByDefault() throws Exception {
        MetricsConfig metrics = load("[server]\ndata_dir = /srv/pb\n").metrics();

        assertThat(metrics.enabled()).isFalse();
        assertThat(metrics.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(metrics.port()).isEqualTo(9464);
        assertThat(ServiceConfigLoader.load(null, ConfigOverrides.none()).metrics()).isEqualTo(MetricsConfig.disabled());
    }

    @Test
    void readsEveryKey() throws Exception {
        MetricsConfig metrics = load("[metrics]\nenabled = true\nbind_address = [::1]\nport = 0\n").metrics();

        assertThat(metrics).isEqualTo(new MetricsConfig(true, "::1", 0));
    }

    @Test
    void badValuesAndUnknownKeysNameTheKey() {
        assertThatThrownBy(() -> load("[metrics]\nport = 70000\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("[metrics] port = '70000'").hasMessageContaining("0..65535");
        assertThatThrownBy(() -> load("[metrics]\nenabled = maybe\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("[metrics] enabled = 'maybe'");
        assertThatThrownBy(() -> load("[metrics]\npath = /metrics\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown [metrics] key 'path'").hasMessageContaining("[bind_address, enabled, port]");
    }
}
