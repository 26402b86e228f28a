package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayPerformance;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PerformanceHistory;
import io.purebridge.engine.error.EngineException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The performance keys upstream's stats carry for filter and goodness functions, from the array's
 * latest 30-second sample. Upstream reads the same endpoint; it reports zeros when the array has
 * no sample (LP #2123855), and so do we, also for arrays without {@link PerformanceHistory} or when
 * the call fails (stats are not worth failing over performance figures).
 */
final class PerformanceStats {
    private static final Logger LOG = LoggerFactory.getLogger(PerformanceStats.class);
    static final long RESOLUTION_MS = 30_000L;
    static final List<String> KEYS = List.of("writes_per_sec", "reads_per_sec", "input_per_sec", "output_per_sec",
            "usec_per_read_op", "usec_per_write_op", "queue_depth", "queue_usec_per_mirrored_write_op",
            "queue_usec_per_read_op", "queue_usec_per_write_op");

    private PerformanceStats() {
    }

    /** Puts the keys of {@link #KEYS} into {@code extra}, as decimal strings. */
    static void addTo(Map<String, String> extra, FlashArray array, String backendName) {
        ArrayPerformance p = latest(array, backendName);
        extra.put("writes_per_sec", Long.toString(p.writesPerSec()));
        extra.put("reads_per_sec", Long.toString(p.readsPerSec()));
        extra.put("input_per_sec", Long.toString(p.writeBytesPerSec()));
        extra.put("output_per_sec", Long.toString(p.readBytesPerSec()));
        extra.put("usec_per_read_op", Long.toString(p.usecPerReadOp()));
        extra.put("usec_per_write_op", Long.toString(p.usecPerWriteOp()));
        extra.put("queue_depth", Long.toString(p.queueDepth()));
        extra.put("queue_usec_per_mirrored_write_op", Long.toString(p.queueUsecPerMirroredWriteOp()));
        extra.put("queue_usec_per_read_op", Long.toString(p.queueUsecPerReadOp()));
        extra.put("queue_usec_per_write_op", Long.toString(p.queueUsecPerWriteOp()));
    }

    private static ArrayPerformance latest(FlashArray array, String backendName) {
        if (array instanceof PerformanceHistory history) {
            try {
                return history.performance(null, null, RESOLUTION_MS).stream()
                        .max(Comparator.comparingLong(ArrayPerformance::timeMs)).orElse(zero());
            } catch (EngineException e) {
                LOG.warn("{}: no performance sample from the array, reporting zeros: {}", backendName, e.getMessage());
            }
        }
        return zero();
    }

    private static ArrayPerformance zero() {
        return new ArrayPerformance(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
