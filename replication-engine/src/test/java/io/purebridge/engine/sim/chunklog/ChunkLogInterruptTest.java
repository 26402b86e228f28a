package io.purebridge.engine.sim.chunklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK closes a file channel when a thread blocked in it is interrupted. A caller's interrupt
 * (a cancelled task, an executor shut down) must cost that caller at most its own call: never the
 * log, never another writer's acknowledged record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkLogInterruptTest {
    @TempDir
    Path dir;

    private static byte[] payload(int seed, int length) {
        byte[] p = new byte[length];
        new Random(seed).nextBytes(p);
        return p;
    }

    private static byte[] bytes(ByteBuffer span) {
        byte[] out = new byte[span.remaining()];
        span.duplicate().get(out);
        return out;
    }

    @Test
    void aWriterAndAReaderWhoseThreadIsInterruptedStillWriteAndReadAndKeepTheirInterrupt() throws Exception {
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            ChunkLocation before = log.append(LogRecord.CHUNK, payload(1, 5000));
            log.sync(log.mark());

            Thread.currentThread().interrupt();
            ChunkLocation mine;
            ByteBuffer read;
            try {
                mine = log.append(LogRecord.CHUNK, payload(2, 5000));
                log.sync(log.mark());
                read = log.span(before.segment(), before.offset(), before.length());
            } finally {
                assertThat(Thread.interrupted()).as("the caller's interrupt is kept for it").isTrue();
            }
            ChunkLog.check(read, 0, before.length());

            ChunkLocation after = log.append(LogRecord.CHUNK, payload(3, 5000));
            log.sync(log.mark());
            assertThat(log.read(mine)).isEqualTo(payload(2, 5000));
            assertThat(log.read(after)).isEqualTo(payload(3, 5000));
        }
        try (ChunkLog log = ChunkLog.open(dir, 1 << 20)) {
            log.recover(null, c -> { });
            assertThat(log.sealedSegments()).isEmpty();
            assertThat(log.diskBytes()).isEqualTo(3L * (LogRecord.HEADER_BYTES + 5000));
        }
    }

    /**
     * Writers append, sync and read back while another thread interrupts them at random; every
     * record whose sync returned reads back after a reopen, and the log never turns failed.
     */
    @Test
    void randomInterruptsOfManyWritersAndReadersLoseNoSyncedRecord() throws Exception {
        Map<ChunkLocation, Integer> synced = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (ChunkLog log = ChunkLog.open(dir, 256 << 10)) {
            log.recover(null, c -> { });
            List<Thread> threads = new CopyOnWriteArrayList<>();
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w * 1_000_000;
                work.add(pool.submit(() -> {
                    threads.add(Thread.currentThread());
                    for (int seed = first; !stop.get(); seed++) {
                        Thread.interrupted();
                        ChunkLocation at = log.append(LogRecord.CHUNK, payload(seed, 3000 + seed % 7000));
                        log.sync(log.mark());
                        synced.put(at, seed);
                        ChunkLog.check(log.span(at.segment(), at.offset(), at.length()), 0, at.length());
                    }
                    return null;
                }));
            }
            RandomInterrupts.during(threads, 1500, 7);
            stop.set(true);
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(synced).hasSizeGreaterThan(100);
        try (ChunkLog log = ChunkLog.open(dir, 256 << 10)) {
            log.recover(null, c -> { });
            synced.forEach((at, seed) -> assertThat(log.read(at)).isEqualTo(payload(seed, 3000 + seed % 7000)));
        }
    }
}
