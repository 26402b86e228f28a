package io.purebridge.engine.cinder;

import io.purebridge.engine.array.BulkVolumeCopy;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many snapshot-to-volume copies on one array, as few array operations as the array allows: one
 * batch where it copies in bulk ({@link BulkVolumeCopy}, the simulator), else a few requests in
 * flight at once (REST arrays copy one volume per request). Each copy overwrites its target.
 */
final class VolumeCopies {
    /** Requests in flight against an array that copies one volume per request. */
    static final int PARALLEL_REQUESTS = 8;

    /** One copy: the source snapshot (or volume) and the volume it becomes. */
    record Copy(String source, String target) {
    }

    private VolumeCopies() {
    }

    /** Runs every copy; returns the error of each copy that failed, by target name. */
    static Map<String, EngineException> run(FlashArray array, List<Copy> copies) {
        Map<String, EngineException> failures = new LinkedHashMap<>();
        if (copies.isEmpty()) {
            return failures;
        }
        if (array instanceof BulkVolumeCopy bulk) {
            Map<String, String> byTarget = new LinkedHashMap<>();
            copies.forEach(c -> byTarget.put(c.target(), c.source()));
            failures.putAll(bulk.copyVolumes(byTarget));
            return failures;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_REQUESTS, copies.size()),
                r -> {
                    Thread t = new Thread(r, "purebridge-failover-copy");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Copy c : copies) {
                futures.add(pool.submit(() -> array.copyVolume(c.source(), c.target(), true)));
            }
            for (int i = 0; i < copies.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    failures.put(copies.get(i).target(), cause instanceof EngineException ee ? ee
                            : EngineException.internal("COPY_FAILED", "Copy of " + copies.get(i).source() + " to "
                                    + copies.get(i).target() + " failed: " + cause, cause));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw EngineException.unavailable("INTERRUPTED", "Interrupted while copying volumes.");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }
}
