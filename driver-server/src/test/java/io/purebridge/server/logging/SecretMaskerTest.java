package io.purebridge.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shapes in which Jetty, Netty, protobuf and our own code print secrets, each masked. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SecretMaskerTest {
    private static final String SECRET = "0f2e2884-9486-c6c2-438c-f50418f2aac3";

    @ParameterizedTest
    @ValueSource(strings = {
        "parsedHeader(null) header=null, headerString=[api-token], valueString=[" + SECRET + "]",
        "parsedHeader(null) header=null, headerString=[X-Auth-Token], valueString=[" + SECRET + "]",
        "HttpFields: api-token: " + SECRET + "\r\nHost: x",
        "x-auth-token=" + SECRET,
        "[id: 0x1, L:/x - R:/y] INBOUND HEADERS: streamId=3 headers=DefaultHttp2Headers[:path: /a, x-purebridge-credential: "
                + "pbc1.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789, x-api-token: " + SECRET + "] padding=0",
        "options { key: \"pure_api_token\" value: \"" + SECRET + "\" }",
        "{\"api_token\":\"" + SECRET + "\",\"backend_id\":\"pure-dr\"}",
        "Authorization: Bearer " + SECRET,
        "replication_device = backend_id:pure-dr,san_ip:10.0.0.2,api_token:" + SECRET,
        "chap: host_password=" + SECRET,
    })
    void secretsInEveryShapeAreMasked(String line) {
        String masked = SecretMasker.mask(line);
        assertThat(masked).doesNotContain(SECRET).doesNotContain("pbc1.AbCd").contains(SecretMasker.MASK);
    }

    @Test
    void theRestOfTheLineStays() {
        assertThat(SecretMasker.mask("puredriver-1: registered backend on array pure-primary (api_token: "
                + SECRET + ")")).isEqualTo("puredriver-1: registered backend on array pure-primary (api_token: ****)");
        assertThat(SecretMasker.mask("authorization failed for volume-1")).isEqualTo(
                "authorization failed for volume-1");
    }

    @Test
    void maskingIsLinearOnHostileLines() {
        String hostile = "api-token:".repeat(20_000) + "x".repeat(100_000);
        long start = System.nanoTime();
        SecretMasker.mask(hostile);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    }
}
