package io.purebridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.PeriodicTimer.OnClose;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class PeriodicTimerTest {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicTimerTest.class);
    private static final Duration OFTEN = Duration.ofMillis(5);

    @Test
    void aRunThatThrowsDoesNotEndTheSchedule() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        try (PeriodicTimer timer = PeriodicTimer.named("test-timer", OnClose.INTERRUPT_RUN, LOG)) {
            timer.every(OFTEN, "a failing run", () -> {
                runs.incrementAndGet();
                third.countDown();
                throw new IllegalStateException("every run fails");
            });
            assertThat(third.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(runs.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void piecesOfWorkShareOneDaemonThreadNamedAsAsked() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        String[] threads = new String[2];
        boolean[] daemon = new boolean[2];
        try (PeriodicTimer timer = PeriodicTimer.named("test-timer", OnClose.INTERRUPT_RUN, LOG)) {
            timer.every(OFTEN, "first", () -> seen(0, threads, daemon, both))
                    .every(OFTEN, "second", () -> seen(1, threads, daemon, both));
            assertThat(both.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(threads).containsOnly("test-timer");
        assertThat(daemon).containsOnly(true);
    }

    private static synchronized void seen(int i, String[] threads, boolean[] daemon, CountDownLatch both) {
        if (threads[i] == null) {
            threads[i] = Thread.currentThread().getName();
            daemon[i] = Thread.currentThread().isDaemon();
            both.countDown();
        }
    }

    @Test
    void interruptRunInterruptsARunInProgressAndWaitsForItsEnd() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        PeriodicTimer timer = PeriodicTimer.named("test-timer", OnClose.INTERRUPT_RUN, LOG)
                .every(OFTEN, "a long run", () -> {
                    started.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                    ended.set(true);
                });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        timer.close();
        assertThat(interrupted).isTrue();
        assertThat(ended).isTrue();
    }

    @Test
    void finishRunLetsARunInProgressCompleteAndStartsNoOther() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean interrupted = new AtomicBoolean();
        PeriodicTimer timer = PeriodicTimer.named("test-timer", OnClose.FINISH_RUN, LOG)
                .every(OFTEN, "a run to finish", () -> {
                    runs.incrementAndGet();
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                    finished.countDown();
                });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        timer.close();
        release.countDown();
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50); // ten periods: a timer still running would start another run
        assertThat(interrupted).isFalse();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aPeriodThatIsNotPositiveIsRefusedNamingTheWork() {
        try (PeriodicTimer timer = PeriodicTimer.named("test-timer", OnClose.INTERRUPT_RUN, LOG)) {
            assertThatThrownBy(() -> timer.every(Duration.ZERO, "automatic eradication", () -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("automatic eradication").hasMessageContaining("positive");
        }
    }
}
