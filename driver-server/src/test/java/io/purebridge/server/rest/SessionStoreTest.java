package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.replication.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SessionStoreTest {
    @Test
    void sessionsBelongToOneArrayAndExpireWhenIdle() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        SessionStore store = new SessionStore(Map.of("a", "tok-a", SessionStore.ANY_ARRAY, "tok-any"), clock,
                Duration.ofMinutes(30));
        assertThat(store.login("a", "tok-any")).isNull();
        assertThat(store.login("a", null)).isNull();
        String session = store.login("a", "tok-a");
        assertThat(session).isNotNull();
        assertThat(store.check("a", session)).isTrue();
        assertThat(store.check("b", session)).isFalse();
        assertThat(store.login("b", "tok-any")).isNotNull();

        clock.advance(Duration.ofMinutes(29));
        assertThat(store.check("a", session)).isTrue();
        clock.advance(Duration.ofMinutes(29));
        assertThat(store.check("a", session)).as("used 29 minutes ago").isTrue();
        clock.advance(Duration.ofMinutes(31));
        assertThat(store.check("a", session)).isFalse();

        String again = store.login("a", "tok-a");
        store.logout(again);
        assertThat(store.check("a", again)).isFalse();
    }
}
