package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayOffload;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.offload.GroupSnapshotOffload;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.engine.offload.OffloadedSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offloaded copies of one backend's Cinder snapshots, and volumes made from offloaded copies.
 *
 * <p>On demand: a Cinder snapshot is offloaded when its metadata asks for it ({@code
 * purebridge:offload=<target>}, optionally {@code purebridge:offload_retention=<days>}) or its
 * volume's type has {@code purebridge:offload_target} ({@code purebridge:offload=none} opts out).
 * The snapshot's metadata then says where its copy is ({@code offload_target}, {@code
 * offloaded_snapshot}, {@code offload_expires}); the copy outlives the local snapshot until its
 * retention ends. The service sends the copy when it reads the array's snapshots; an array over
 * REST sends it itself ({@link ArrayOffload#offloadSnapshot}) and, as FlashArray does, keeps it until
 * it is deleted, so no retention may be asked for there.
 *
 * <p>Restore: a new volume whose metadata names an offloaded snapshot ({@code
 * purebridge:restore_from=<array>:<snapshot>}, as the target lists it, with {@code
 * purebridge:restore_target} when the service has several targets) is restored from the bucket;
 * a volume from a snapshot whose array snapshot is gone is restored from its offloaded copy. Every
 * block is checked against the manifest and the whole volume against its SHA-256; a failed restore
 * leaves no volume.
 */
final class OffloadCopies {
    public static final String SNAPSHOT_OFFLOAD = "purebridge:offload";
    public static final String SNAPSHOT_RETENTION = "purebridge:offload_retention";
    public static final String RESTORE_FROM = "purebridge:restore_from";
    public static final String RESTORE_TARGET = "purebridge:restore_target";
    static final String OFFLOAD_TARGET_KEY = "offload_target";
    static final String OFFLOADED_SNAPSHOT_KEY = "offloaded_snapshot";
    static final String OFFLOAD_EXPIRES_KEY = "offload_expires";
    static final String RESTORED_FROM_KEY = "restored_from";
    private static final Logger LOG = LoggerFactory.getLogger(OffloadCopies.class);
    private static final String NONE = "none";

    /** An offload a snapshot create asked for: where to, kept how long. */
    record Request(String target, int retentionDays) {
    }

    /** Where a volume is restored from. */
    record Source(String target, String snapshot) {
    }

    private final BackendOptions options;
    private final FlashArray array;
    private final String arrayName;
    private final OffloadTargets targets;
    private final OffloadPlacement placement;

    OffloadCopies(BackendOptions options, FlashArray array, String arrayName, OffloadTargets targets,
            OffloadPlacement placement) {
        this.options = options;
        this.array = array;
        this.arrayName = arrayName;
        this.targets = targets;
        this.placement = placement;
    }

    // --- snapshots on demand -------------------------------------------------------------------

    /**
     * The offload a new snapshot asks for, checked before the array is asked for anything: its
     * metadata first, else its volume's type.
     */
    Optional<Request> requestFor(CinderSnapshot snapshot) {
        Map<String, String> metadata = snapshot.metadata();
        String asked = metadata.get(SNAPSHOT_OFFLOAD);
        String owner = "snapshot " + snapshot.id();
        Optional<OffloadPolicy> typed;
        try {
            typed = OffloadPolicy.of(snapshot.volume().extraSpecs(), options, targets.names(), snapshot.volume().id());
        } catch (EngineException e) {
            // The volume exists (its type was checked when it was made): its target went away.
            LOG.warn("{}: snapshot {} is not offloaded: {}", options.backendName(), snapshot.id(), e.getMessage());
            typed = Optional.empty();
        }
        String target;
        if (asked == null || asked.isBlank()) {
            if (typed.isEmpty() || !placement.serviceShips()) {
                return Optional.empty(); // an array that offloads by itself sends the type's group on its schedule
            }
            target = typed.get().target();
        } else if (NONE.equalsIgnoreCase(asked.strip()) || "false".equalsIgnoreCase(asked.strip())) {
            return Optional.empty();
        } else {
            target = asked.strip();
            if (!targets.names().contains(target)) {
                throw EngineException.invalidArgument("OFFLOAD_METADATA_INVALID", "Snapshot " + snapshot.id() + ": "
                        + SNAPSHOT_OFFLOAD + "='" + asked + "' is not an offload target of this service; configured"
                        + " targets: " + targets.names() + ". Name one of them, or '" + NONE + "'.");
            }
        }
        int days = typed.map(OffloadPolicy::retentionDays).orElse(Math.max(1, options.replicaRetentionLongTermDays()));
        String retention = metadata.get(SNAPSHOT_RETENTION);
        if (retention != null && !retention.isBlank()) {
            days = retentionDays(retention, owner);
            if (!placement.serviceShips()) {
                throw EngineException.invalidArgument("OFFLOAD_METADATA_INVALID", "Snapshot " + snapshot.id() + ": "
                        + SNAPSHOT_RETENTION + " cannot be honoured on backend " + options.backendName() + ": its"
                        + " array sends the snapshot itself, and a FlashArray keeps a snapshot sent on demand until"
                        + " it is deleted; drop " + SNAPSHOT_RETENTION + ", or use a volume type with "
                        + OffloadPolicy.TARGET + " and " + OffloadPolicy.RETENTION + " for copies that expire.");
            }
        }
        placement.requireOnDemandArray(target, snapshot.id());
        return Optional.of(new Request(target, days));
    }

    private static int retentionDays(String raw, String owner) {
        try {
            long days = Long.parseLong(raw.strip());
            if (days >= 1 && days <= OffloadPolicy.MAX_RETENTION_DAYS) {
                return (int) days;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw EngineException.invalidArgument("OFFLOAD_METADATA_INVALID", "The " + owner + ": " + SNAPSHOT_RETENTION
                + "='" + raw + "' is not a number of days; use 1.." + OffloadPolicy.MAX_RETENTION_DAYS + ".");
    }

    /**
     * Offloads the array snapshot and returns what the snapshot's metadata records. On a failure an
     * array snapshot this call made ({@code madeNow}) is removed again: the snapshot create fails
     * whole. A retried create keeps its snapshot (its first offload may still be running).
     */
    Map<String, String> offload(Request request, String arraySnapshot, CinderSnapshot snapshot, boolean madeNow) {
        try {
            Map<String, String> metadata = new HashMap<>();
            metadata.put(OFFLOAD_TARGET_KEY, request.target());
            if (array instanceof ArrayOffload self && !placement.serviceShips()) {
                String name = self.offloadSnapshot(targets.target(request.target()).nameOnArrays(), arraySnapshot);
                LOG.info("{}: the array sent snapshot {} to {} as {} (kept until deleted)", options.backendName(),
                        arraySnapshot, request.target(), name);
                metadata.put(OFFLOADED_SNAPSHOT_KEY, name);
                return metadata;
            }
            OffloadedSnapshot copy = targets.service(request.target()).offload(array, arraySnapshot,
                    request.retentionDays());
            LOG.info("{}: offloaded snapshot {} to {} as {} (kept {} days)", options.backendName(), arraySnapshot,
                    request.target(), copy.name(), request.retentionDays());
            metadata.put(OFFLOADED_SNAPSHOT_KEY, copy.name());
            if (copy.expiresMillis() > 0) {
                metadata.put(OFFLOAD_EXPIRES_KEY, Instant.ofEpochMilli(copy.expiresMillis()).toString());
            }
            return metadata;
        } catch (EngineException e) {
            LOG.warn("{}: offload of snapshot {} (Cinder snapshot {}) to {} failed{}: {}", options.backendName(),
                    arraySnapshot, snapshot.id(), request.target(), madeNow ? ", removing the snapshot" : "",
                    e.getMessage());
            if (!madeNow) {
                throw e;
            }
            try {
                array.destroySnapshot(arraySnapshot);
                array.eradicateSnapshot(arraySnapshot);
            } catch (EngineException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new EngineException(e.code(), e.reason(), "Snapshot " + snapshot.id() + " could not be offloaded to "
                    + request.target() + " and was not kept: " + e.getMessage(), e);
        }
    }

    // --- scheduled snapshots --------------------------------------------------------------------

    String arrayName() {
        return arrayName;
    }

    /**
     * Sends every live snapshot of this array's offload groups that its target lacks (what a
     * FlashArray does for a group with an offload target); returns the names now offloaded. A group
     * that fails is logged and left for the next run.
     */
    List<String> shipScheduled() {
        if (!(array instanceof ReplicationArray groups) || !(array instanceof BlockDataAccess)
                || targets.names().isEmpty()) {
            return List.of();
        }
        List<String> shipped = new ArrayList<>();
        Map<String, Set<String>> present = new HashMap<>();
        for (ProtectionGroupRecord group : groups.listProtectionGroups()) {
            Optional<OffloadPolicy> policy = OffloadPolicy.fromGroup(group, targets.names());
            if (policy.isEmpty()) {
                continue;
            }
            try {
                OffloadService service = targets.service(policy.get().target());
                Set<String> there = present.computeIfAbsent(policy.get().target(), t -> new HashSet<>(
                        service.list().stream().map(OffloadedSnapshot::name).toList()));
                shipped.addAll(GroupSnapshotOffload.shipMissing(array, groups, group.name(), service,
                        policy.get().retentionDays(), there));
            } catch (EngineException e) {
                LOG.warn("{}: offload of protection group {} to {} failed; retried on the next run: {}",
                        options.backendName(), group.name(), policy.get().target(), e.getMessage());
            }
        }
        if (!shipped.isEmpty()) {
            LOG.info("{}: offloaded {} scheduled snapshots: {}", options.backendName(), shipped.size(), shipped);
        }
        return shipped;
    }

    /**
     * On an array that sends Cinder snapshots itself: drops the volumes its completed sends read
     * from that no call dropped (see {@link ArrayOffload#dropFinishedSendSources}); returns their
     * names. A target that fails is logged and left for the next run.
     */
    List<String> dropFinishedSendSources() {
        if (!(array instanceof ArrayOffload self) || placement.serviceShips()) {
            return List.of();
        }
        List<String> dropped = new ArrayList<>();
        for (String name : targets.names()) {
            String onArray = targets.target(name).nameOnArrays();
            try {
                dropped.addAll(self.dropFinishedSendSources(onArray));
            } catch (EngineException e) {
                LOG.warn("{}: could not look for finished sends to {} on the array; retried on the next run: {}",
                        options.backendName(), name, e.getMessage());
            }
        }
        return dropped;
    }

    // --- restores ------------------------------------------------------------------------------

    /** The offloaded snapshot a new volume's metadata asks to be restored from, if any (checked). */
    Optional<Source> restoreRequest(CinderVolume volume) {
        String from = volume.metadata().get(RESTORE_FROM);
        if (from == null || from.isBlank()) {
            return Optional.empty();
        }
        String snapshot = from.strip();
        if (snapshot.indexOf(':') <= 0 || snapshot.endsWith(":")) {
            throw EngineException.invalidArgument("OFFLOAD_METADATA_INVALID", "Volume " + volume.id() + ": "
                    + RESTORE_FROM + "='" + from + "' must name an offloaded snapshot as <source array>:<snapshot>,"
                    + " as the offload target lists it.");
        }
        String target = volume.metadata().get(RESTORE_TARGET);
        if (target == null || target.isBlank()) {
            Optional<OffloadPolicy> typed = OffloadPolicy.parse(volume.extraSpecs(), options, volume.id());
            if (typed.isPresent()) {
                target = typed.get().target();
            } else if (targets.names().size() == 1) {
                target = targets.names().iterator().next();
            } else {
                throw EngineException.invalidArgument("OFFLOAD_METADATA_INVALID", "Volume " + volume.id() + ": "
                        + RESTORE_FROM + " needs " + RESTORE_TARGET + " naming the offload target holding "
                        + snapshot + "; configured targets: " + targets.names() + ".");
            }
        }
        target = target.strip();
        if (!targets.names().contains(target)) {
            throw EngineException.invalidArgument("OFFLOAD_METADATA_INVALID", "Volume " + volume.id() + ": offload"
                    + " target '" + target + "' (" + RESTORE_TARGET + ") is not configured in this service;"
                    + " configured targets: " + targets.names() + ".");
        }
        placement.requireRestoringArray(volume.id());
        return Optional.of(new Source(target, snapshot));
    }

    /**
     * Where the offloaded copy of a snapshot whose array snapshot is gone lies: the snapshot's
     * metadata when it was offloaded on demand, else its volume type's target under the array's
     * name for it. Empty when nothing says there is a copy.
     */
    Optional<Source> copyOf(CinderSnapshot snapshot, String arraySnapshot) {
        String target = snapshot.metadata().get(OFFLOAD_TARGET_KEY);
        String name = snapshot.metadata().get(OFFLOADED_SNAPSHOT_KEY);
        if (target == null || name == null) {
            Optional<OffloadPolicy> typed;
            try {
                typed = OffloadPolicy.parse(snapshot.volume().extraSpecs(), options, snapshot.volume().id());
            } catch (EngineException e) {
                typed = Optional.empty();
            }
            if (typed.isEmpty()) {
                return Optional.empty();
            }
            target = typed.get().target();
            name = arrayName + ":" + arraySnapshot;
        }
        return targets.names().contains(target) ? Optional.of(new Source(target, name)) : Optional.empty();
    }

    /**
     * Restores {@code source} as the array volume {@code name} of the volume's size (grown when the
     * snapshot is smaller, refused when larger); the same request again finds the volume it made.
     */
    void restore(Source source, String name, CinderVolume volume, long bytes) {
        Optional<VolumeRecord> existing = array.findVolume(name).filter(v -> !v.destroyed());
        VolumeRecord restored = existing.isPresent() ? existing.get() : restore(source, name, volume.id());
        if (restored.provisionedBytes() > bytes) {
            array.destroyVolume(name);
            array.eradicateVolume(name);
            throw EngineException.outOfRange("SIZE_SMALLER_THAN_SOURCE", "Volume " + volume.id() + " asks for "
                    + volume.sizeGib() + " GiB but offloaded snapshot " + source.snapshot() + " is "
                    + restored.provisionedBytes() + " bytes; ask for at least the snapshot's size.");
        }
        if (restored.provisionedBytes() < bytes) {
            array.resizeVolume(name, bytes, false);
        }
    }

    private VolumeRecord restore(Source source, String name, String owner) {
        OffloadService service = targets.service(source.target());
        VolumeRecord restored;
        try {
            restored = service.restore(source.snapshot(), array, name);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND && "OFFLOADED_SNAPSHOT_NOT_FOUND".equals(e.reason())) {
                throw EngineException.notFound("OFFLOADED_SNAPSHOT_NOT_FOUND", "Volume " + owner + ": offload target "
                        + source.target() + " holds no offloaded snapshot " + source.snapshot()
                        + " (expired, or never offloaded); list the target's snapshots and name one of them.");
            }
            throw e;
        }
        LOG.info("{}: restored volume {} from offloaded snapshot {} on {} ({} bytes, checked against its manifest)",
                options.backendName(), name, source.snapshot(), source.target(), restored.provisionedBytes());
        return restored;
    }

    /** The snapshot's model, with where its offloaded copy lies when one was asked for. */
    SnapshotModelUpdate offloaded(SnapshotModelUpdate model, Optional<Request> request, String arraySnapshot,
            CinderSnapshot snapshot, boolean madeNow) {
        if (request.isEmpty()) {
            return model;
        }
        Map<String, String> metadata = new HashMap<>(model.metadata());
        metadata.putAll(offload(request.get(), arraySnapshot, snapshot, madeNow));
        return new SnapshotModelUpdate(model.providerId(), metadata);
    }

    /** The volume's model metadata plus where it was restored from. */
    static VolumeModelUpdate restored(VolumeModelUpdate model, Source source) {
        Map<String, String> metadata = new HashMap<>(model.metadata());
        metadata.put(RESTORED_FROM_KEY, source.target() + "/" + source.snapshot());
        return new VolumeModelUpdate(model.providerId(), model.replicationStatus(), metadata);
    }
}
