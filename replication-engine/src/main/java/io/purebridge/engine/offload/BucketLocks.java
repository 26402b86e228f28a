package io.purebridge.engine.offload;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps garbage collection and offloads apart with two kinds of marker object, which works on any
 * S3 with read-after-write consistency and needs no lock service:
 *
 * <ul>
 *   <li>An offload writes its lease ({@code leases/...}) and only then reads the sweep marker; it
 *       waits while a live sweep marker exists, and reads the bucket's manifests only after that.
 *   <li>A sweep writes its marker ({@code gc/sweep}) and only then lists the leases; with any live
 *       lease it gives up, and only without one does it list packs and manifests and delete.
 * </ul>
 *
 * Each side publishes before it looks, so at least one sees the other: a sweep never deletes a
 * pack an offload is about to reference. Markers carry their time and are renewed while work
 * goes on; one older than the lease time belongs to a dead process and is ignored.
 */
final class BucketLocks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final S3Bucket bucket;
    private final Clock clock;

    BucketLocks(S3Bucket bucket, Clock clock) {
        this.bucket = bucket;
        this.clock = clock;
    }

    void writeMarker(String key, String owner) {
        try {
            bucket.put(key, JSON.writeValueAsString(Map.of("owner", owner, "renewed_millis", clock.millis()))
                    .getBytes(StandardCharsets.UTF_8), "STANDARD");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When the marker at {@code key} was last renewed, if it exists. */
    Optional<Long> renewed(String key) {
        return bucket.get(key).map(b -> {
            try {
                Object v = JSON.readValue(b, Map.class).get("renewed_millis");
                return v instanceof Number n ? n.longValue() : 0L;
            } catch (java.io.IOException e) {
                return 0L;
            }
        });
    }

    boolean live(Optional<Long> renewed) {
        return renewed.isPresent() && clock.millis() - renewed.get() < bucket.target().tuning().leaseMillis();
    }

    /** Takes the lease of an offload: publish, then wait for a running sweep to finish. */
    void acquireLease(String leaseKey, String owner) {
        writeMarker(leaseKey, owner);
        long deadline = clock.millis() + bucket.target().tuning().leaseMillis();
        while (live(renewed(BucketLayout.SWEEP_KEY))) {
            if (clock.millis() > deadline) {
                throw EngineException.unavailable("OFFLOAD_SWEEP_RUNNING", bucket.target().describe()
                        + ": a garbage-collection sweep is running; retry the offload later");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.unavailable("OFFLOAD_INTERRUPTED", "offload interrupted");
            }
        }
    }

    /** True when some offload holds a live lease. */
    boolean anyLiveLease() {
        for (var o : bucket.list(BucketLayout.LEASES)) {
            if (live(renewed(o.key()))) {
                return true;
            }
        }
        return false;
    }
}
