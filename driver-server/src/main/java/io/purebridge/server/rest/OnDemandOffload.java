package io.purebridge.server.rest;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A volume's snapshot taken "on" an offload target ({@code POST /remote-volume-snapshots?on=}): the
 * array snapshots the volume, sends the snapshot to the target and drops its local copy, so the
 * snapshot exists on the target only. It is sent before the answer (the target lists a snapshot only
 * once it is complete) and kept until deleted. Idempotent by name: a suffix the target already holds
 * for that volume returns what it holds and takes nothing.
 */
final class OnDemandOffload {
    private static final Logger LOG = LoggerFactory.getLogger(OnDemandOffload.class);

    private OnDemandOffload() {
    }

    /** Offloads a new snapshot of {@code volume} named {@code volume.suffix} (null: the next number). */
    static OffloadedSnapshot take(FlashArray array, OffloadService target, String volume, String suffix) {
        String arrayName = array.arrayInfo().name();
        List<OffloadedSnapshot> held = target.list();
        if (suffix != null) {
            Optional<OffloadedSnapshot> same = held.stream()
                    .filter(s -> s.name().equals(arrayName + ":" + volume + "." + suffix)).findFirst();
            if (same.isPresent()) {
                return same.get();
            }
        }
        SnapshotRecord local;
        try {
            local = array.createSnapshot(volume, suffix != null ? suffix : nextSuffix(array, held, volume));
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Volume", volume);
        }
        try {
            return target.offload(array, local.name(), 0);
        } catch (EngineException e) {
            throw EngineErrors.toRest(e, "Snapshot", local.name());
        } finally {
            dropLocal(array, local.name());
        }
    }

    /** Without a suffix: one past the highest number among the volume's snapshots, local and offloaded. */
    private static String nextSuffix(FlashArray array, List<OffloadedSnapshot> held, String volume) {
        long max = 0;
        for (SnapshotRecord s : array.listSnapshots(volume)) {
            max = Math.max(max, number(s.suffix()));
        }
        String arrayName = array.arrayInfo().name();
        for (OffloadedSnapshot s : held) {
            if (s.sourceArray().equals(arrayName) && s.snapshot().startsWith(volume + ".")) {
                max = Math.max(max, number(s.snapshot().substring(volume.length() + 1)));
            }
        }
        return Long.toString(max + 1);
    }

    private static long number(String suffix) {
        return suffix.matches("[0-9]{1,18}") ? Long.parseLong(suffix) : 0;
    }

    /** The local copy was only the source of the send; failing to drop it is logged, not the answer. */
    private static void dropLocal(FlashArray array, String snapshot) {
        try {
            array.destroySnapshot(snapshot);
            array.eradicateSnapshot(snapshot);
        } catch (EngineException e) {
            LOG.warn("snapshot {} was sent to its offload target but stays on the array: {}", snapshot, e.getMessage());
        }
    }
}
