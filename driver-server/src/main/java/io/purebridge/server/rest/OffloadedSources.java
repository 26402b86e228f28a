package io.purebridge.server.rest;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadTargets;
import java.util.Objects;
import java.util.Optional;

/**
 * The offloaded snapshots a {@code POST /volumes} source may name ("sourceArray:volume.suffix", as
 * {@code /remote-volume-snapshots} lists them): the array restores such a snapshot from the offload
 * target that holds it, every block checked against its manifest, as FlashArray restores from a
 * connected offload target. A local snapshot of the same name wins: it is the nearer copy.
 */
final class OffloadedSources {
    private final OffloadTargets targets;

    OffloadedSources(OffloadTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    static OffloadedSources none() {
        return new OffloadedSources(OffloadTargets.none());
    }

    /** The target holding {@code source} when it names a remote snapshot this array does not hold. */
    Optional<String> targetHolding(String source, FlashArray array) {
        if (!source.replace("::", "").contains(":") || array.findSnapshot(source).isPresent()) {
            return Optional.empty();
        }
        for (String name : targets.names()) {
            try {
                if (targets.service(name).list().stream().anyMatch(s -> s.name().equals(source))) {
                    return Optional.of(name);
                }
            } catch (EngineException e) {
                // a target that does not answer holds nothing we can restore now
            }
        }
        return Optional.empty();
    }

    /** Restores {@code source} from {@code target} into {@code array} as {@code volume}; the same call again returns it. */
    VolumeRecord restore(String target, String source, FlashArray array, String volume) {
        return targets.service(target).restore(source, array, volume);
    }
}
