package io.purebridge.engine.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RestApiVersionTest {
    @Test
    void picksTheHighestAdvertisedVersionWithinTheWindow() {
        List<String> advertised = List.of("1.0", "1.19", "2.0", "2.3", "2.4", "2.9", "2.10", "2.36", "2.38", "2.DEV");
        assertThat(RestApiVersion.negotiate(advertised, RestApiVersion.IMPLEMENTED)).contains(new RestApiVersion(2, 36));
        assertThat(RestApiVersion.negotiate(advertised, new RestApiVersion(2, 20))).contains(new RestApiVersion(2, 10));
    }

    @Test
    void refusesArraysOlderThanTheMinimum() {
        assertThat(RestApiVersion.negotiate(List.of("1.17", "2.0", "2.3"), RestApiVersion.IMPLEMENTED)).isEmpty();
    }

    @Test
    void comparesNumerically() {
        assertThat(new RestApiVersion(2, 4)).isLessThan(new RestApiVersion(2, 36));
        assertThat(RestApiVersion.parse("2.x")).isEmpty();
        assertThat(RestApiVersion.parse("2.17")).contains(new RestApiVersion(2, 17));
    }
}
