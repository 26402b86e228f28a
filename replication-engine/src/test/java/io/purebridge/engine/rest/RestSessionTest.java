package io.purebridge.engine.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestSessionTest {
    @Test
    void baseUriAcceptsHostPortAndIpv6() {
        assertThat(RestSession.baseUri("10.0.0.5").toString()).isEqualTo("https://10.0.0.5/api/");
        assertThat(RestSession.baseUri("10.0.0.5:8443").toString()).isEqualTo("https://10.0.0.5:8443/api/");
        assertThat(RestSession.baseUri("fd00::5").toString()).isEqualTo("https://[fd00::5]/api/");
        assertThat(RestSession.baseUri("[fd00::5]:8443").toString()).isEqualTo("https://[fd00::5]:8443/api/");
        assertThatThrownBy(() -> RestSession.baseUri(" ")).isInstanceOf(EngineException.class)
                .extracting(e -> ((EngineException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void queryEncodesEachListElementAndJoinsWithCommas() {
        String q = RestQuery.of().add("names", List.of("pod1::vol1", "v 2")).add("filter", "name='x*'").toString();
        assertThat(q).isEqualTo("names=pod1%3A%3Avol1,v%202&filter=name%3D%27x*%27");
    }

    @Test
    void unreachableArrayIsUnavailableAfterRetriesAndNamesTheSanIp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String sanIp = "127.0.0.1:" + port;
        ArrayEndpoint endpoint = new ArrayEndpoint(sanIp, "secret-api-token", false, null);
        AtomicInteger sleeps = new AtomicInteger();
        RestClientOptions options = RestClientOptions.defaults().withRetries(3, Duration.ofMillis(1));
        RestSession session = new RestSession(endpoint, options, RestSession.httpClient(endpoint, options),
                ms -> sleeps.incrementAndGet());
        assertThatThrownBy(session::open).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains(sanIp).doesNotContain("secret-api-token");
        });
        assertThat(sleeps.get()).isEqualTo(2);
        assertThat(session.toString()).doesNotContain("secret-api-token");
    }
}
