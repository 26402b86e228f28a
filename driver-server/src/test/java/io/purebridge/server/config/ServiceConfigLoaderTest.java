package io.purebridge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class ServiceConfigLoaderTest {
    @TempDir
    Path dir;

    private Path ini(String text) throws IOException {
        Path file = dir.resolve("purebridge-server.ini");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsEveryKey() throws Exception {
        Path file = ini("""
                [server]
                data_dir = /srv/pb
                listen_socket = /run/pb/pb.sock
                listen_tcp = 127.0.0.1:0
                eradication_delay_seconds = 60

                [arrays]
                pure-primary = token-1
                pure-sync = token-2
                pure-dr = token-3
                """);

        ServiceConfig config = ServiceConfigLoader.load(file, ConfigOverrides.none());

        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/pb"));
        assertThat(config.listenSocket()).isEqualTo(Path.of("/run/pb/pb.sock"));
        assertThat(config.listenTcp()).contains(new HostPort("127.0.0.1", 0));
        assertThat(config.eradicationDelaySeconds()).isEqualTo(60);
        assertThat(config.arrays()).isEqualTo(Map.of("pure-primary", "token-1", "pure-sync", "token-2",
                "pure-dr", "token-3"));
        assertThat(config.toString()).doesNotContain("token-1").contains("pure-primary=****");
    }

    @Test
    void defaultsPutTheSocketInTheDataDir() throws Exception {
        ServiceConfig config = ServiceConfigLoader.load(ini("[server]\ndata_dir = /srv/pb\n"), ConfigOverrides.none());

        assertThat(config.listenSocket()).isEqualTo(Path.of("/srv/pb/purebridge.sock"));
        assertThat(config.listenTcp()).isEmpty();
        assertThat(config.eradicationDelaySeconds()).isEqualTo(86_400);
        assertThat(config.arrays()).isEmpty();
    }

    @Test
    void noFileMeansDefaults() throws Exception {
        ServiceConfig config = ServiceConfigLoader.load(null, ConfigOverrides.none());

        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/purebridge"));
        assertThat(config.listenSocket()).isEqualTo(Path.of("/var/lib/purebridge/purebridge.sock"));
    }

    @Test
    void commandLineWinsAndTheDefaultSocketFollowsTheDataDir() throws Exception {
        Path file = ini("[server]\ndata_dir = /srv/pb\nlisten_tcp = 0.0.0.0:5000\n");

        ServiceConfig config = ServiceConfigLoader.load(file, new ConfigOverrides(Optional.of("/tmp/pb"),
                Optional.empty(), Optional.of("[::1]:0")));

        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/pb"));
        assertThat(config.listenSocket()).isEqualTo(Path.of("/tmp/pb/purebridge.sock"));
        assertThat(config.listenTcp()).contains(new HostPort("::1", 0));
    }

    @Test
    void emptyCommandLineTcpTurnsTcpOff() throws Exception {
        ServiceConfig config = ServiceConfigLoader.load(ini("[server]\nlisten_tcp = 127.0.0.1:5000\n"),
                new ConfigOverrides(Optional.empty(), Optional.empty(), Optional.of("")));

        assertThat(config.listenTcp()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            [server]\\nlisten_tcp = localhost                 | [server] listen_tcp = 'localhost': expected HOST:PORT
            [server]\\nlisten_tcp = 127.0.0.1:http            | [server] listen_tcp = '127.0.0.1:http': the port is not a number
            [server]\\nlisten_tcp = 127.0.0.1:70000           | [server] listen_tcp = '127.0.0.1:70000': port 70000 is outside 0..65535
            [server]\\neradication_delay_seconds = soon       | [server] eradication_delay_seconds = 'soon': expected a whole number
            [server]\\neradication_delay_seconds = -1         | [server] eradication_delay_seconds = '-1': must be 0 or more
            [server]\\nlisten_tpc = 127.0.0.1:0               | unknown [server] key 'listen_tpc'
            [servers]\\ndata_dir = /x                         | unknown section [servers]
            data_dir = /x                                     | key 'data_dir' is outside any section
            [arrays]\\npure_primary = t                       | [arrays]: key 'pure_primary' is not NAME = API_TOKEN
            [arrays]\\npure-primary =                         | [arrays]: key 'pure-primary' has no API token
            [arrays]\\npure-primary = a\\npure-primary = b    | [arrays] key 'pure-primary': set more than once
            """)
    void badValuesNameTheFileAndKey(String text, String expected) throws Exception {
        Path file = ini(text.replace("\\n", "\n"));

        assertThatThrownBy(() -> ServiceConfigLoader.load(file, ConfigOverrides.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void restDefaultsToOnWithFreePortsOnLoopback() throws Exception {
        ServiceConfig config = ServiceConfigLoader.load(ini("[arrays]\npure-primary = t\n"), ConfigOverrides.none());

        assertThat(config.rest()).isEqualTo(new RestConfig(true, "127.0.0.1", Map.of()));
    }

    @Test
    void readsTheRestSectionBeforeOrAfterTheArrays() throws Exception {
        Path file = ini("""
                [rest]
                enabled = false
                bind_address = 0.0.0.0
                port.pure-primary = 8443
                port.pure-dr = 8444

                [arrays]
                pure-primary = t1
                pure-dr = t2
                """);

        ServiceConfig config = ServiceConfigLoader.load(file, ConfigOverrides.none());

        assertThat(config.rest()).isEqualTo(new RestConfig(false, "0.0.0.0",
                Map.of("pure-primary", 8443, "pure-dr", 8444)));
    }

    @Test
    void duplicateTokenIsNotEchoed() throws Exception {
        Path file = ini("[arrays]\npure-primary = secret-a\npure-primary = secret-b\n");

        assertThatThrownBy(() -> ServiceConfigLoader.load(file, ConfigOverrides.none()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-a").doesNotContain("secret-b"));
    }

    @Test
    void badCommandLineValueNamesTheOption() {
        assertThatThrownBy(() -> ServiceConfigLoader.load(null,
                new ConfigOverrides(Optional.empty(), Optional.empty(), Optional.of("nonsense"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--listen-tcp = 'nonsense'");
    }

    @Test
    void tooLongSocketPathIsRejected() {
        String longDir = "/tmp/" + "d".repeat(120);

        assertThatThrownBy(() -> ServiceConfigLoader.load(null,
                new ConfigOverrides(Optional.of(longDir), Optional.empty(), Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("longer than 107 bytes")
                .hasMessageContaining("listen_socket");
    }

    @Test
    void missingFileIsAConfigError() {
        Path missing = dir.resolve("nope.ini");

        assertThatThrownBy(() -> ServiceConfigLoader.load(missing, ConfigOverrides.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read config file " + missing);
    }

    @Test
    void sampleConfigLoads() throws Exception {
        Path sample = Path.of("..", "config-samples", "purebridge-server.ini");

        ServiceConfig config = ServiceConfigLoader.load(sample, ConfigOverrides.none());

        assertThat(config.arrays()).containsOnlyKeys("pure-primary", "pure-sync", "pure-dr");
        assertThat(config.listenTcp()).isEmpty();
        assertThat(config.rest().enabled()).isTrue();
        assertThat(config.rest().bindAddress()).isEqualTo("127.0.0.1");
    }
}
