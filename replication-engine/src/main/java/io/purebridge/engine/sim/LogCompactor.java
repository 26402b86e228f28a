package io.purebridge.engine.sim;

import io.purebridge.engine.sim.chunklog.ChunkLocation;
import io.purebridge.engine.sim.chunklog.ChunkLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims the space of freed chunks in a store's {@link ChunkLog}: a sealed segment whose live
 * records fall below {@link #LIVE_THRESHOLD} of its size has them copied to the log's end and
 * repointed in the index (one durable commit per batch of moves, skipping chunks freed or moved
 * meanwhile); RocksDB's WAL is then synced so no replay needs the old segment, and it is deleted.
 * Runs in the background once enough bytes were freed since the last pass.
 */
final class LogCompactor implements AutoCloseable {
    static final double LIVE_THRESHOLD = 0.5;
    /** Bytes of chunk records moved per commit. */
    private static final int MOVE_BATCH_BYTES = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(LogCompactor.class);
    /** One low-priority thread for every array of the process: compaction is never urgent. */
    private static final ExecutorService POOL = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sim-log-compactor");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    private final SimStore store;
    private final ChunkLog log;
    private final long trigger;
    private final AtomicLong freedSinceLastPass = new AtomicLong();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Object running = new Object();
    private volatile boolean closed;

    LogCompactor(SimStore store, ChunkLog log, long segmentBytes) {
        this.store = store;
        this.log = log;
        this.trigger = Math.max(1, segmentBytes / 4);
    }

    /** A first pass after open when sealed segments exist (garbage of an earlier run or a crash). */
    void start() {
        if (!log.sealedSegments().isEmpty()) {
            schedule();
        }
    }

    void freed(long recordBytes) {
        if (freedSinceLastPass.addAndGet(recordBytes) >= trigger) {
            schedule();
        }
    }

    private void schedule() {
        if (!closed && queued.compareAndSet(false, true)) {
            POOL.execute(() -> {
                queued.set(false);
                freedSinceLastPass.set(0);
                try {
                    compact();
                } catch (RuntimeException e) {
                    LOG.warn("chunk log compaction failed (will retry after more frees): {}", e.getMessage());
                }
            });
        }
    }

    /** One pass; returns the number of segments deleted. */
    int compact() {
        synchronized (running) {
            if (closed) {
                return 0;
            }
            NavigableMap<Long, Long> sealed = log.sealedSegments();
            if (sealed.isEmpty()) {
                return 0;
            }
            // Every record of a sealed segment belongs to a commit appended already: once those are
            // applied, the index names every live record there.
            store.awaitApplied();
            Map<Long, long[]> live = new HashMap<>();
            Map<Long, List<byte[][]>> records = new HashMap<>();
            store.scan(MetaKeys.CHUNK_LOCATION.prefix(), (key, value) -> {
                ChunkLocation at = ChunkLocation.decode(value);
                if (sealed.containsKey(at.segment())) {
                    live.computeIfAbsent(at.segment(), s -> new long[1])[0] += at.length();
                    byte[] hash = java.util.Arrays.copyOfRange(key, 1, key.length);
                    records.computeIfAbsent(at.segment(), s -> new ArrayList<>()).add(new byte[][] {hash, value});
                }
            });
            List<Long> victims = new ArrayList<>();
            long moved = 0;
            for (Map.Entry<Long, Long> e : sealed.entrySet()) {
                long liveBytes = live.getOrDefault(e.getKey(), new long[1])[0];
                if (liveBytes < LIVE_THRESHOLD * e.getValue()) {
                    moved += move(records.getOrDefault(e.getKey(), List.of()));
                    victims.add(e.getKey());
                }
                if (closed) {
                    return 0;
                }
            }
            if (victims.isEmpty()) {
                return 0;
            }
            store.syncIndex();
            victims.forEach(log::retire);
            LOG.info("chunk log compaction: {} segments deleted, {} chunk bytes moved", victims.size(), moved);
            return victims.size();
        }
    }

    private long move(List<byte[][]> entries) {
        long bytes = 0;
        List<byte[][]> batch = new ArrayList<>();
        long batchBytes = 0;
        for (byte[][] e : entries) {
            ChunkLocation at = ChunkLocation.decode(e[1]);
            batch.add(new byte[][] {e[0], e[1], log.read(at)});
            batchBytes += at.length();
            if (batchBytes >= MOVE_BATCH_BYTES) {
                store.relocate(batch);
                bytes += batchBytes;
                batch = new ArrayList<>();
                batchBytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            store.relocate(batch);
            bytes += batchBytes;
        }
        return bytes;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (running) {
            // waits for a pass in progress to stop at its next check
        }
    }
}
