package io.purebridge.engine.sim.chunklog;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Interrupts threads picked at random, as cancelled tasks and executors shut down do. */
public final class RandomInterrupts {
    private RandomInterrupts() {
    }

    /**
     * Interrupts one of {@code threads} (which may still be filling up) every few hundred
     * microseconds for {@code millis}.
     */
    public static void during(List<Thread> threads, long millis, long seed) throws InterruptedException {
        Random pick = new Random(seed);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (!threads.isEmpty()) {
                threads.get(pick.nextInt(threads.size())).interrupt();
            }
            Thread.sleep(0, 250_000);
        }
    }
}
