package io.purebridge.engine.sim;

import io.purebridge.engine.chunk.ChunkCodec;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The CPU side of the data path: hashing and compressing blocks before a write takes the array's
 * lock, and splitting large reads, across the calling thread and one pool shared by every array.
 */
final class BlockPrepare {
    /** Blocks per parallel task: below this, handing off costs more than it saves. */
    static final int MIN_BLOCKS = 4;
    /**
     * How long a caller whose own pieces are done spins before it parks: the pool's last piece is
     * usually shorter than a park and the wake-up after it (measured: reads 15-20% faster).
     */
    private static final long SPIN_NANOS = 20_000;
    static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    /**
     * Shared by every array of the process: hashing and compressing is pure CPU work, so more threads
     * than cores (2 here) would only add switching. Daemon threads: nothing to shut down.
     */
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "sim-block-prepare-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private BlockPrepare() {
    }

    static BlockStore.Prepared prepare(byte[] data, int from) {
        if (ChunkCodec.isZero(data, from)) {
            return new BlockStore.Prepared(null, null);
        }
        return new BlockStore.Prepared(ChunkCodec.hash(data, from), ChunkCodec.encode(data, from));
    }

    /**
     * Prepares {@code count} consecutive blocks of {@code data} starting at {@code from}, in pieces
     * of {@link #MIN_BLOCKS} shared by the calling thread and the pool (a 1 MiB write is 32 blocks:
     * on 2 cores this about halves its CPU time).
     */
    static BlockStore.Prepared[] prepareAll(byte[] data, int from, int count) {
        BlockStore.Prepared[] out = new BlockStore.Prepared[count];
        if (count < 2 * MIN_BLOCKS) {
            prepareRange(data, from, out, 0, count);
            return out;
        }
        eachInParallel((count + MIN_BLOCKS - 1) / MIN_BLOCKS,
                piece -> prepareRange(data, from, out, piece * MIN_BLOCKS, Math.min(count, (piece + 1) * MIN_BLOCKS)));
        return out;
    }

    private static void prepareRange(byte[] data, int from, BlockStore.Prepared[] out, int start, int end) {
        for (int i = start; i < end; i++) {
            out[i] = prepare(data, from + i * ChunkCodec.BLOCK_SIZE);
        }
    }

    /**
     * Runs {@code task} for every index below {@code count}: the calling thread and the pool's
     * threads each take the next index until none is left, and this returns when all are done. A
     * pool thread that starts late (busy or still waking up) finds less left, or nothing, instead of
     * the caller waiting for a fixed share it holds. After a failure the remaining indexes are
     * skipped and the first failure is thrown here. Tasks are CPU work and store reads that never
     * wait for the array's lock, so a busy pool only delays a caller, never deadlocks it.
     */
    static void eachInParallel(int count, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    if (failed.get() == null) {
                        task.accept(i);
                    }
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int helper = 1; helper < Math.min(THREADS, count); helper++) {
            POOL.execute(worker);
        }
        worker.run();
        awaitUninterruptibly(done);
        Throwable e = failed.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error r) {
            throw r;
        }
    }

    /**
     * Tasks here never wait for a lock, so the wait is short: spun first, then parked. An interrupt
     * is kept for the caller.
     */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (latch.getCount() > 0 && System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
