package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.replication.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Counting, sampling and aggregation of front-end I/O with a hand-moved clock and nano timer. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IoStatsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final AtomicLong nanos = new AtomicLong(1_000_000);
    private final IoStats io = new IoStats(clock, nanos::get);

    /** One write that waits {@code queueUsec} for the lock and is then served for {@code serviceUsec}. */
    private void write(int bytes, long queueUsec, long serviceUsec, boolean mirrored) {
        long start = io.begin();
        nanos.addAndGet(queueUsec * 1000);
        io.served();
        nanos.addAndGet(serviceUsec * 1000);
        io.write(start, bytes, mirrored);
    }

    private void read(int bytes, long serviceUsec) {
        long start = io.begin();
        io.served();
        nanos.addAndGet(serviceUsec * 1000);
        io.read(start, bytes);
    }

    private long ms(Duration d) {
        return T0.plus(d).toEpochMilli();
    }

    @Test
    void oneSecondSamplesAreExactAndTheCurrentSecondIsNotReported() {
        write(32768, 100, 300, false);
        write(32768, 0, 200, false);
        read(4096, 50);
        assertThat(io.performance(null, null, null)).as("second still running").isEmpty();

        clock.advance(Duration.ofMillis(1500));
        List<ArrayPerformance> latest = io.performance(null, null, null);

        assertThat(latest).hasSize(1);
        ArrayPerformance p = latest.get(0);
        assertThat(p.timeMs()).isEqualTo(T0.toEpochMilli());
        assertThat(p.writesPerSec()).isEqualTo(2);
        assertThat(p.writeBytesPerSec()).isEqualTo(65536);
        assertThat(p.readsPerSec()).isEqualTo(1);
        assertThat(p.readBytesPerSec()).isEqualTo(4096);
        assertThat(p.usecPerWriteOp()).isEqualTo(300);
        assertThat(p.queueUsecPerWriteOp()).isEqualTo(50);
        assertThat(p.serviceUsecPerWriteOp()).isEqualTo(250);
        assertThat(p.usecPerReadOp()).isEqualTo(50);
        assertThat(p.queueUsecPerReadOp()).isZero();
        assertThat(p.mirroredWritesPerSec()).isZero();
        assertThat(p.queueUsecPerMirroredWriteOp()).isZero();
        assertThat(p.bytesPerWrite()).isEqualTo(32768);
        assertThat(p.bytesPerRead()).isEqualTo(4096);
        // 650 us busy in one second: on average well under one operation in the array.
        assertThat(p.queueDepth()).isZero();
    }

    @Test
    void coarseIntervalsAverageOverTheSecondsTheyCover() {
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 30; i++) {
            write(1000, 0, 10, i % 3 == 0);
        }
        clock.advance(Duration.ofSeconds(40));
        for (int i = 0; i < 60; i++) {
            read(512, 20);
        }
        clock.advance(Duration.ofSeconds(40));

        List<ArrayPerformance> samples = io.performance(ms(Duration.ofSeconds(-3600)), ms(Duration.ofSeconds(85)), 30_000L);

        // [0,30) [30,60) [60,85): 30, 30 and 25 covered seconds.
        assertThat(samples).extracting(ArrayPerformance::timeMs)
                .containsExactly(ms(Duration.ZERO), ms(Duration.ofSeconds(30)), ms(Duration.ofSeconds(60)));
        assertThat(samples.get(0).writesPerSec()).isEqualTo(1);
        assertThat(samples.get(0).writeBytesPerSec()).isEqualTo(1000);
        assertThat(samples.get(0).mirroredWriteBytesPerSec()).isEqualTo(333);
        assertThat(samples.get(0).usecPerMirroredWriteOp()).isEqualTo(10);
        assertThat(samples.get(1).readsPerSec()).isEqualTo(2);
        assertThat(samples.get(1).usecPerReadOp()).isEqualTo(20);
        assertThat(samples.get(1).writesPerSec()).isZero();
        assertThat(samples.get(2).readsPerSec()).isZero();

        List<ArrayPerformance> fine = io.performance(ms(Duration.ZERO), ms(Duration.ofSeconds(85)), 1000L);
        assertThat(fine).as("seconds 0 to 84").hasSize(85);
        assertThat(fine.stream().mapToLong(ArrayPerformance::writesPerSec).sum()).isEqualTo(30);
        assertThat(fine.stream().mapToLong(ArrayPerformance::readBytesPerSec).sum()).isEqualTo(60 * 512);
        assertThat(fine.get(5).writesPerSec()).isEqualTo(30);

        assertThat(io.performance(null, null, 300_000L)).singleElement()
                .satisfies(p -> assertThat(p.writeBytesPerSec()).isEqualTo(Math.round(30 * 1000 / 85.0)));
    }

    @Test
    void queueDepthIsBusyTimeOverElapsedTime() {
        for (int i = 0; i < 4; i++) {
            write(4096, 250_000, 250_000, false);
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(io.performance(null, null, 1000L)).singleElement()
                .satisfies(p -> assertThat(p.queueDepth()).isEqualTo(2));
    }

    @Test
    void fineHistoryKeepsOneHourAndCoarseOneDay() {
        write(4096, 0, 1, false);
        clock.advance(Duration.ofHours(2));
        write(4096, 0, 1, false);
        clock.advance(Duration.ofSeconds(1));

        List<ArrayPerformance> fine = io.performance(ms(Duration.ZERO), ms(Duration.ofHours(3)), 1000L);
        assertThat(fine).hasSize(IoStats.FINE_SLOTS);
        assertThat(fine.stream().mapToLong(ArrayPerformance::writesPerSec).sum()).isEqualTo(1);

        List<ArrayPerformance> day = io.performance(ms(Duration.ofSeconds(-1)), ms(Duration.ofHours(3)), 86_400_000L);
        assertThat(day).singleElement()
                .satisfies(p -> assertThat(p.writeBytesPerSec()).isEqualTo(Math.round(8192.0 / 7201)));
    }

    @Test
    void badArgumentsAreInvalidArgumentNamingTheParameter() {
        assertThatThrownBy(() -> io.performance(null, null, 60_000L))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("resolution");
        assertThatThrownBy(() -> io.performance(2000L, 1000L, 1000L))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("end_time");
    }
}
