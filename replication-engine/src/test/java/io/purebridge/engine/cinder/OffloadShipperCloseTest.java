package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.offload.EmbeddedS3;
import io.purebridge.engine.offload.OffloadTargets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What closing the service's offload shipper does to a run in progress. */
class OffloadShipperCloseTest {
    @RegisterExtension
    static EmbeddedS3 s3 = new EmbeddedS3();

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void closeInterruptsARunInProgressInsteadOfWaitingItOut() throws Exception {
        CountDownLatch inRun = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        try (OffloadTargets targets = new OffloadTargets(List.of(s3.target()), s3.server().env(),
                Clock.systemUTC())) {
            // The run holds the shipper's lock while it looks up the backends: here, for a minute.
            OffloadShipper shipper = new OffloadShipper(() -> {
                inRun.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }, targets);
            shipper.start(Duration.ofMillis(10));
            assertThat(inRun.await(10, TimeUnit.SECONDS)).isTrue();
            shipper.close();
            assertThat(interrupted).isTrue();
        }
    }
}
