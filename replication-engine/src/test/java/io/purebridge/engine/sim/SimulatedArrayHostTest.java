package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayDirectory;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedArrayHostTest {
    private static final String TOKEN_A = "tok-a-0123456789";
    private static final String TOKEN_B = "tok-b-9876543210";

    @TempDir
    Path dir;

    private SimulatedArrayHost newHost() {
        return new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", TOKEN_A),
                SimulatedArrayConfig.of("pure-b", TOKEN_B)), Clock.systemUTC());
    }

    @Test
    void opensEachArrayWithItsTokenAndKeepsThemApart() {
        try (SimulatedArrayHost host = newHost()) {
            FlashArray a = host.open("pure-a", TOKEN_A);
            FlashArray b = host.connect(new ArrayEndpoint("sim://pure-b", TOKEN_B, false, null));
            a.createVolume("only-on-a", 1 << 20);
            assertThat(b.findVolume("only-on-a")).isEmpty();
            assertThat(a.arrayInfo().name()).isEqualTo("pure-a");
            assertThat(b.arrayInfo().id()).isNotEqualTo(a.arrayInfo().id());
            assertThat(a.listPorts().get(0).iqn()).isNotEqualTo(b.listPorts().get(0).iqn());
            assertThat(a.listPorts().get(0).portal()).isNotEqualTo(b.listPorts().get(0).portal());
            assertThat(host.open("pure-a", TOKEN_A)).isSameAs(a);
            assertThat(host.arrayNames()).containsExactly("pure-a", "pure-b");
        }
    }

    @Test
    void unknownArrayNamesTheConfiguredOnes() {
        try (SimulatedArrayHost host = newHost()) {
            assertThatThrownBy(() -> host.open("pure-x", TOKEN_A))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                        assertThat(e.reason()).isEqualTo("ARRAY_NOT_FOUND");
                        assertThat(e.getMessage()).contains("pure-x", "pure-a", "pure-b", "[arrays]")
                                .doesNotContain(TOKEN_A).doesNotContain(TOKEN_B);
                    });
        }
    }

    @Test
    void wrongTokenIsRefusedWithoutEchoingAnyToken() {
        try (SimulatedArrayHost host = newHost()) {
            for (String bad : new String[] {TOKEN_B, "", null, TOKEN_A + "x"}) {
                assertThatThrownBy(() -> host.open("pure-a", bad))
                        .isInstanceOfSatisfying(EngineException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                            assertThat(e.reason()).isEqualTo("INVALID_API_TOKEN");
                            assertThat(e.getMessage()).contains("pure-a")
                                    .doesNotContain(TOKEN_A).doesNotContain(TOKEN_B);
                        });
            }
        }
    }

    @Test
    void directoryRoutesSimulatedEndpointsToTheHostAndOthersToTheFallback() {
        try (SimulatedArrayHost host = newHost()) {
            ArrayDirectory directory = new ArrayDirectory(host, endpoint -> {
                throw EngineException.unavailable("TEST_REMOTE", "remote " + endpoint.sanIp());
            });
            assertThat(directory.connect(new ArrayEndpoint("sim://pure-a", TOKEN_A, false, null)).arrayInfo().name())
                    .isEqualTo("pure-a");
            assertThatThrownBy(() -> directory.connect(new ArrayEndpoint("10.0.0.5", "t", true, null)))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason()).isEqualTo("TEST_REMOTE"));
        }
    }

    @Test
    void reopeningTheHostKeepsEachArraysIdentityAndObjects() {
        String id;
        try (SimulatedArrayHost host = newHost()) {
            FlashArray a = host.open("pure-a", TOKEN_A);
            id = a.arrayInfo().id();
            a.createVolume("v1", 1 << 30);
        }
        try (SimulatedArrayHost host = newHost()) {
            FlashArray a = host.open("pure-a", TOKEN_A);
            assertThat(a.arrayInfo().id()).isEqualTo(id);
            assertThat(a.findVolume("v1")).isPresent();
        }
    }

    @Test
    void closedArrayIsUnavailable() {
        SimulatedArrayHost host = newHost();
        FlashArray a = host.open("pure-a", TOKEN_A);
        host.close();
        assertThatThrownBy(a::listVolumes).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
