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
import java.nio.file.Path;
import java.time.Clock;
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
