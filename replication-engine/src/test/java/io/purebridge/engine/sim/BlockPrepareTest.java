package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The work sharing behind large reads: every index exactly once, failures reach the caller. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockPrepareTest {

    @Test
    void everyIndexRunsExactlyOnceAndAllHaveRunWhenItReturns() {
        AtomicIntegerArray runs = new AtomicIntegerArray(1_000);
        for (int round = 0; round < 200; round++) {
            int count = 1 + round * 5 % 1_000;
            AtomicIntegerArray seen = new AtomicIntegerArray(count);
            BlockPrepare.eachInParallel(count, i -> {
                seen.incrementAndGet(i);
                runs.incrementAndGet(i);
            });
            for (int i = 0; i < count; i++) {
                assertThat(seen.get(i)).as("index %d of %d", i, count).isEqualTo(1);
            }
        }
        assertThat(runs.get(0)).isEqualTo(200);
    }

    @Test
    void theCallerTakesWorkTooSoABusyPoolDelaysNothing() throws Exception {
        // Holders of two indexes each: a holder blocks in its first, its pool helper in the second,
        // until every pool thread is held. The caller must then finish every index by itself.
        int holders = BlockPrepare.THREADS;
        int helpersEach = Math.min(BlockPrepare.THREADS, 2) - 1;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(holders * (1 + helpersEach));
        List<Thread> holding = new ArrayList<>();
        for (int h = 0; h < holders; h++) {
            Thread holder = new Thread(() -> BlockPrepare.eachInParallel(2, i -> {
                held.countDown();
                await(release);
            }));
            holder.start();
            holding.add(holder);
        }
        try {
            held.await();
            Thread caller = Thread.currentThread();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            BlockPrepare.eachInParallel(64, i -> threads.add(Thread.currentThread() == caller ? "caller" : "pool"));
            assertThat(threads).containsExactly("caller");
        } finally {
            release.countDown();
            for (Thread holder : holding) {
                holder.join();
            }
        }
    }

    @Test
    void aFailureReachesTheCallerOnlyOnceNothingRunsAnyMore() {
        AtomicInteger running = new AtomicInteger();
        assertThatThrownBy(() -> BlockPrepare.eachInParallel(64, i -> {
            running.incrementAndGet();
            try {
                if (i == 3) {
                    throw new IllegalStateException("chunk 3 is damaged");
                }
                Thread.onSpinWait();
            } finally {
                running.decrementAndGet();
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 3 is damaged");
        // The caller's buffer is its own again: no piece still writes into it.
        assertThat(running.get()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
