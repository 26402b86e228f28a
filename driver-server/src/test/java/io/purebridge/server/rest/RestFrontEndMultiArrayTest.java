package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayDirectory;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.InMemoryArrayConnector;
import io.purebridge.engine.array.InMemoryFlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several arrays, one port and one API token each; the connector composition used by the service. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestFrontEndMultiArrayTest {
    @TempDir
    Path dataDir;

    @Test
    void sanIpReachesWildcardsOnLoopbackAndBracketsIpv6() {
        assertThat(RestFrontEnd.sanIp("127.0.0.1", 8443)).isEqualTo("127.0.0.1:8443");
        assertThat(RestFrontEnd.sanIp("0.0.0.0", 8443)).isEqualTo("127.0.0.1:8443");
        assertThat(RestFrontEnd.sanIp("::", 8443)).isEqualTo("[::1]:8443");
        assertThat(RestFrontEnd.sanIp("fd00::5", 8443)).isEqualTo("[fd00::5]:8443");
        assertThat(RestFrontEnd.sanIp("array1.example.com", 8443)).isEqualTo("array1.example.com:8443");
    }

    @Test
    void servesASimulatorHost() throws Exception {
        try (SimulatedArrayHost host = new SimulatedArrayHost(dataDir.resolve("arrays"),
                List.of(SimulatedArrayConfig.of("sim-1", "tok-1"), SimulatedArrayConfig.of("sim-2", "tok-2")),
                Clock.systemUTC())) {
            RestFrontEnd frontEnd = new RestFrontEnd();
            frontEnd.startSimulators(dataDir, host, Map.of("sim-1", "tok-1", "sim-2", "tok-2"));
            try {
                RestArrayConnector rest = new RestArrayConnector();
                FlashArray two = rest.connect(new ArrayEndpoint(frontEnd.sanIp("sim-2"), "tok-2", true,
                        frontEnd.certificatePem().toString()));
                assertThat(two.arrayInfo().name()).isEqualTo("sim-2");
                two.createVolume("via-rest", 1 << 20);
                assertThat(host.open("sim-2", "tok-2").findVolume("via-rest")).isPresent();
                assertThat(host.open("sim-1", "tok-1").findVolume("via-rest")).isEmpty();
            } finally {
                frontEnd.stop();
            }
        }
    }

    @Test
    void eachArrayHasItsOwnPortAndToken() throws Exception {
        InMemoryFlashArray a = new InMemoryFlashArray("pure-a");
        InMemoryFlashArray b = new InMemoryFlashArray("pure-b");
        RestFrontEnd frontEnd = new RestFrontEnd();
        frontEnd.startWith(dataDir, Map.of("pure-a", a, "pure-b", b), Map.of("pure-a", "token-a", "pure-b", "token-b"));
        try {
            assertThat(frontEnd.port("pure-a")).isNotEqualTo(frontEnd.port("pure-b"));
            String cert = frontEnd.certificatePem().toString();
            RestArrayConnector rest = new RestArrayConnector(RestClientOptions.defaults(), Clock.systemUTC(), ms -> { });
            FlashArray viaA = rest.connect(new ArrayEndpoint(frontEnd.sanIp("pure-a"), "token-a", true, cert));
            FlashArray viaB = rest.connect(new ArrayEndpoint(frontEnd.sanIp("pure-b"), "token-b", true, cert));
            assertThat(viaA.arrayInfo().name()).isEqualTo("pure-a");
            assertThat(viaB.arrayInfo().name()).isEqualTo("pure-b");
            viaA.createVolume("only-on-a", 1 << 20);
            assertThat(b.findVolume("only-on-a")).isEmpty();
            assertThat(a.findVolume("only-on-a")).isPresent();
            assertThatThrownBy(() -> rest.connect(new ArrayEndpoint(frontEnd.sanIp("pure-b"), "token-a", true, cert)))
                    .isInstanceOfSatisfying(EngineException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));

            // The service's composition: sim:// to the hosted arrays, anything else over REST.
            InMemoryArrayConnector sims = new InMemoryArrayConnector();
            sims.addArray("local", "token-local");
            ArrayConnector composed = new ArrayDirectory(sims, rest);
            assertThat(composed.connect(new ArrayEndpoint("sim://local", "token-local", false, null))
                    .arrayInfo().name()).isEqualTo("local");
            assertThat(composed.connect(new ArrayEndpoint(frontEnd.sanIp("pure-b"), "token-b", false, null))
                    .arrayInfo().name()).isEqualTo("pure-b");
        } finally {
            frontEnd.stop();
        }
    }
}
