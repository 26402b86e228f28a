package io.purebridge.engine.cinder;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cinder's group replication ("Tiramisu") for consistency groups whose group type has
 * consistent_group_replication_enabled and whose volume types are async replicated: the group's
 * protection group {@code consisgroup-<id>-cinder} holds exactly its volumes (they are not in the
 * backend's {@code cinder-group}) and, once enabled, replicates to every replication target with the
 * backend's schedule and retention.
 *
 * <ul>
 *   <li>enable: targets added and allowed, schedule on, one replicate-now so a copy exists at once;
 *   <li>disable: schedule off, targets removed; what the targets received stays there;
 *   <li>failover: a replicate-now while the primary answers, then every volume restored on the named
 *       target from the one newest group snapshot holding all of them (consistent), the rest of the
 *       backend staying on the primary. The volumes' provider_id becomes
 *       {@code <target array>:<volume>} ({@link GroupRouting} sends their calls there) and a group of
 *       the same name on the target protects them back to the primary;
 *   <li>failback ({@code default}): that reverse group ships a last snapshot to the primary, the
 *       primary copies each volume out of it onto its own, the copies on the target go.
 * </ul>
 *
 * <p>Groups of sync volume types are one pod each ({@link SyncGroupPods}): enable stretches it to
 * the sync target, failover and failback move no data. Tri-sync groups are that pod plus its
 * in-pod protection group {@code <pod>::consisgroup-<id>-cinder} shipping to the async targets as
 * above: failover to the sync target goes through the pod, to an async target from the in-pod
 * group's snapshots (members restored as root volumes there), failback copies back into the pod.
 *
 * <p>Every refusal is decided before anything changes.
 */
final class GroupReplication {
    private static final Logger LOG = LoggerFactory.getLogger(GroupReplication.class);
    static final String ENABLED = ArrayCinderBackend.ENABLED;
    static final String DISABLED = ArrayCinderBackend.DISABLED;
    static final String FAILED_OVER = FailoverVolumeUpdate.FAILED_OVER;
    static final String ERROR = FailoverVolumeUpdate.ERROR;

    private final BackendOptions options;
    private final FlashArray array;
    private final String arrayName;
    /** The primary's replication capability; null when the arrays do not replicate or the backend is failed over. */
    private final ReplicationArray replication;
    private final List<ReplicationSetup.Target> targets;
    /** Groups of sync replicated volume types: one stretched pod each. */
    private final SyncGroupPods pods;

    GroupReplication(BackendOptions options, FlashArray array, String arrayName, ReplicationArray replication,
            List<ReplicationSetup.Target> targets) {
        this.options = options;
        this.array = array;
        this.arrayName = arrayName;
        this.replication = replication;
        this.targets = List.copyOf(targets);
        this.pods = replication == null ? null : new SyncGroupPods(options, arrayName, replication, this.targets);
    }

    /** The pods of sync replicated groups; null when the backend does not replicate. */
    SyncGroupPods pods() {
        return pods;
    }

    /** This backend can replicate consistency groups now (stats: consistent_group_replication_enabled). */
    boolean available() {
        return options.replicationConfigured() && replication != null && !targets.isEmpty();
    }

    /**
     * Checks that a replicated group type can be honoured here and returns its mode; nothing is
     * changed. Refusals name the spec or volume type value at fault.
     */
    ReplicationMode check(CinderGroup group) {
        String spec = CinderGroup.CG_REPLICATION + "='<is> True'";
        if (!options.replicationConfigured()) {
            throw unsupported("Group " + group.id() + " has a group type with " + spec + ", but backend "
                    + options.backendName() + " has no replication_device; add one to cinder.conf or use a group"
                    + " type without " + CinderGroup.CG_REPLICATION + ".");
        }
        if (replication == null || targets.isEmpty()) {
            throw unsupported("Group " + group.id() + " has a group type with " + spec + ", which backend "
                    + options.backendName() + " cannot honour now: its arrays do not replicate through this"
                    + " purebridge build, no replication target answered at registration, or it is failed over.");
        }
        if (group.volumeTypeSpecs().isEmpty()) {
            throw unsupported("Group " + group.id() + " has a group type with " + spec + " but no volume type;"
                    + " give it volume types with replication_enabled='<is> True'.");
        }
        Set<ReplicationMode> modes = new java.util.HashSet<>();
        for (Map<String, String> specs : group.volumeTypeSpecs()) {
            ReplicationMode mode = ReplicationMode.fromExtraSpecs(specs);
            switch (mode) {
                case NONE -> throw unsupported("Group " + group.id() + " has a group type with " + spec
                        + " but allows a volume type with replication_enabled="
                        + quoted(specs.get(ReplicationMode.REPLICATION_ENABLED)) + "; every volume type of a"
                        + " replicated group needs replication_enabled='<is> True'.");
                case TRISYNC -> {
                    if (pods.syncTarget().isEmpty() || asyncTargets().isEmpty()) {
                        throw unsupported("Group " + group.id() + " has a group type with " + spec + " and a volume"
                                + " type with replication_type=" + quoted(specs.get(ReplicationMode.REPLICATION_TYPE))
                                + ", which needs a replication_device with type:sync and one with type:async of"
                                + " backend " + options.backendName() + " answering at registration; add them or"
                                + " use async or sync volume types.");
                    }
                }
                case SYNC -> {
                    if (pods.syncTarget().isEmpty()) {
                        throw unsupported("Group " + group.id() + " has a group type with " + spec + " and a volume"
                                + " type with replication_type=" + quoted(specs.get(ReplicationMode.REPLICATION_TYPE))
                                + ", but no replication_device with type:sync of backend " + options.backendName()
                                + " answered at registration; add one or use async volume types.");
                    }
                }
                case ASYNC -> {
                }
            }
            modes.add(mode);
        }
        if (modes.size() > 1) {
            throw unsupported("Group " + group.id() + " has a group type with " + spec + " and mixes volume types"
                    + " with replication_type " + modes.stream().map(m -> "'<in> " + m.name().toLowerCase(Locale.ROOT)
                    + "'").sorted().toList() + "; a replicated group is all async (a protection group), all sync (a"
                    + " stretched pod) or all trisync (the pod and its protection group). Use one replication_type.");
        }
        return modes.iterator().next();
    }

    /** The protection group of a replicated group: in its own pod for sync and tri-sync groups. */
    static String groupPg(CinderGroup group, ReplicationMode mode) {
        return inPod(mode) ? SyncGroupPods.pgName(group.id()) : ConsistencyGroups.groupName(group.id());
    }

    static boolean inPod(ReplicationMode mode) {
        return mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC;
    }

    /** The targets a group's protection group ships to: all (async groups), the async ones (tri-sync). */
    private List<ReplicationSetup.Target> shipTargets(ReplicationMode mode) {
        return mode == ReplicationMode.TRISYNC ? asyncTargets() : targets;
    }

    private List<ReplicationSetup.Target> asyncTargets() {
        return targets.stream().filter(t -> t.device().type() == ReplicationType.ASYNC).toList();
    }

    /** Where a member is restored on an async target: root volume-<id>-cinder (a tri-sync member leaves its pod). */
    private static String restoredName(String name) {
        return io.purebridge.engine.array.ArrayNames.withoutPod(name);
    }

    /** The new group's protection group gets the backend's retention and interval; it replicates once enabled. */
    void prepare(String pg) {
        replication.updateProtectionGroup(pg, targetRetention(), ReplicationSchedule.every(frequencyMs(), false));
    }

    /** replication_status of a member created in (or added to) the group: what the group does now. */
    String memberStatus(CinderGroup group) {
        if (inPod(check(group))) {
            return pods.memberStatus(group);
        }
        return replicating(ConsistencyGroups.groupName(group.id())) ? ENABLED : DISABLED;
    }

    private boolean replicating(String pg) {
        return replication.findProtectionGroup(pg).map(g -> !g.targets().isEmpty()
                && g.replicationSchedule() != null && g.replicationSchedule().enabled()).orElse(false);
    }

    // --- enable / disable ---------------------------------------------------------------------------

    GroupReplicationUpdate enable(CinderGroup group, List<CinderVolume> volumes) {
        ReplicationMode mode = check(group);
        String pg = groupPg(group, mode);
        requireOnPrimary(group, volumes, "enable replication of");
        if (inPod(mode)) {
            pods.enable(group);
            if (mode == ReplicationMode.SYNC) {
                return update(group, ENABLED, volumes, v -> status(v.id(), ENABLED));
            }
        }
        List<ReplicationSetup.Target> shipTo = shipTargets(mode);
        requireGroup(group, pg);
        ensureMembers(pg, volumes);
        replication.updateProtectionGroup(pg, targetRetention(), ReplicationSchedule.every(frequencyMs(), false));
        replication.putProtectionGroupTargets(pg, shipTo.stream().map(t -> t.info().name()).toList());
        String remote = ReplicationSetup.remoteGroupName(arrayName, pg);
        for (ReplicationSetup.Target t : shipTo) {
            t.replication().setProtectionGroupAllowed(remote, true);
        }
        replication.updateProtectionGroup(pg, null, ReplicationSchedule.every(frequencyMs(), true));
        if (!volumes.isEmpty()) {
            replicateNow(pg);
        }
        LOG.info("{}: replication of group {} enabled ({} volumes, to {})", backend(), group.id(), volumes.size(),
                shipTo.stream().map(t -> t.info().name()).toList());
        return update(group, ENABLED, volumes, v -> status(v.id(), ENABLED));
    }

    GroupReplicationUpdate disable(CinderGroup group, List<CinderVolume> volumes) {
        ReplicationMode mode = check(group);
        String pg = groupPg(group, mode);
        requireOnPrimary(group, volumes, "disable replication of");
        if (inPod(mode)) {
            pods.disable(group);
            if (mode == ReplicationMode.SYNC) {
                return update(group, DISABLED, volumes, v -> status(v.id(), DISABLED));
            }
        }
        requireGroup(group, pg);
        replication.updateProtectionGroup(pg, null, ReplicationSchedule.every(frequencyMs(), false));
        List<String> current = replication.findProtectionGroup(pg).map(g -> g.targets().stream()
                .map(t -> t.arrayName()).toList()).orElse(List.of());
        if (!current.isEmpty()) {
            replication.removeProtectionGroupTargets(pg, current);
        }
        LOG.info("{}: replication of group {} disabled; the copies on {} stay", backend(), group.id(), current);
        return update(group, DISABLED, volumes, v -> status(v.id(), DISABLED));
    }

    // --- failover / failback --------------------------------------------------------------------

    GroupReplicationUpdate failover(CinderGroup group, List<CinderVolume> volumes, String secondaryId) {
        String wanted = secondaryId == null ? "" : secondaryId.trim();
        if (FailoverRequest.DEFAULT.equals(wanted)) {
            return failback(group, volumes);
        }
        if (!options.replicationConfigured()) {
            throw invalidTarget("Backend " + backend() + " has no replication_device, so group " + group.id()
                    + " cannot fail over" + (wanted.isEmpty() ? "" : " to '" + wanted + "'") + ". Nothing was changed.");
        }
        if (!wanted.isEmpty() && options.target(wanted).isEmpty()) {
            throw invalidTarget("Unknown backend_id '" + wanted + "' for group " + group.id() + " of backend "
                    + backend() + ": cinder.conf configures " + configured() + ". Nothing was changed.");
        }
        ReplicationMode mode = check(group);
        String pg = groupPg(group, mode);
        String remote = ReplicationSetup.remoteGroupName(arrayName, pg);
        Optional<String> current = failedOverArray(group, volumes);
        if (current.isPresent()) {
            ReplicationSetup.Target at = targetByArray(current.get());
            if (wanted.isEmpty() || wanted.equals(at.device().backendId())) {
                LOG.info("{}: group {} is already failed over to '{}'; nothing to do", backend(), group.id(),
                        at.device().backendId());
                return update(group, FAILED_OVER, volumes, v -> status(v.id(), FAILED_OVER));
            }
            throw invalidTarget("Group " + group.id() + " is failed over to '" + at.device().backendId()
                    + "'; fail it back with secondary_backend_id 'default' before failing over to '" + wanted
                    + "'. Nothing was changed.");
        }
        if (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC && (wanted.isEmpty()
                || options.target(wanted).map(t -> t.type() == ReplicationType.SYNC).orElse(false))) {
            // Sync, or tri-sync to its sync target (preferred, as upstream): the pod's other array serves.
            String onTarget = pods.failover(group, wanted).info().name();
            return update(group, FAILED_OVER, volumes, v -> FailoverVolumeUpdate.moved(v.id(), FAILED_OVER,
                    located(onTarget, PurityNames.arrayVolumeName(v)), onTarget));
        }
        requireGroup(group, pg);
        if (replicating(pg) && !volumes.isEmpty()) {
            // Planned failover: the primary answers, so ship what it holds right now first.
            try {
                replicateNow(pg);
            } catch (EngineException e) {
                LOG.warn("{}: replicate-now of {} before failover failed; the newest replicated snapshot is used: {}",
                        backend(), pg, e.getMessage());
            }
        }
        ReplicationSetup.Target target = wanted.isEmpty() ? firstWithCopy(group, remote, volumes)
                : reachable(wanted, group);
        PgSnapshotRecord snap = newestHoldingAll(target, remote, volumes).orElseThrow(() -> refused("No replicated"
                + " snapshot of group " + group.id() + " (" + remote + ") on '" + target.device().backendId() + "' ("
                + target.info().name() + ") holds all its " + volumes.size() + " volumes; enable its replication"
                + " and let a transfer complete. Nothing was changed."));
        List<VolumeCopies.Copy> copies = new ArrayList<>();
        for (CinderVolume v : volumes) {
            String name = PurityNames.arrayVolumeName(v);
            copies.add(new VolumeCopies.Copy(snap.name() + "." + name, restoredName(name)));
        }
        FlashArray targetArray = (FlashArray) target.replication();
        Map<String, EngineException> failures = VolumeCopies.run(targetArray, copies);
        List<String> restored = copies.stream().map(VolumeCopies.Copy::target).filter(n -> !failures.containsKey(n))
                .toList();
        protectBack(target, ConsistencyGroups.groupName(group.id()), restored);
        // The primary's copies are stale until failback: they stop shipping.
        replication.updateProtectionGroup(pg, null, ReplicationSchedule.every(frequencyMs(), false));
        LOG.info("{}: group {} failed over to '{}' ({}) from {}: {} volumes, {} in error", backend(), group.id(),
                target.device().backendId(), target.info().name(), snap.name(), restored.size(), failures.size());
        String targetName = target.info().name();
        return update(group, failures.isEmpty() ? FAILED_OVER : ERROR, volumes, v -> {
            String name = restoredName(PurityNames.arrayVolumeName(v));
            EngineException failed = failures.get(name);
            return failed != null ? FailoverVolumeUpdate.failed(v.id(), ERROR, failed.getMessage())
                    : FailoverVolumeUpdate.moved(v.id(), FAILED_OVER, located(targetName, name), targetName);
        });
    }

    private GroupReplicationUpdate failback(CinderGroup group, List<CinderVolume> volumes) {
        Optional<String> at = failedOverArray(group, volumes);
        if (at.isEmpty()) {
            throw invalidTarget("Group " + group.id() + " of backend " + backend() + " is not failed over, so it"
                    + " cannot fail back to 'default'. Nothing was changed.");
        }
        if (replication == null) {
            throw refused("Backend " + backend() + " is failed over as a whole; fail the backend back before"
                    + " failing back group " + group.id() + ". Nothing was changed.");
        }
        ReplicationSetup.Target target = targetByArray(at.get());
        ReplicationMode mode = check(group);
        if (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC
                && target.device().type() == ReplicationType.SYNC) {
            pods.failback(group, target.info().name());
            return update(group, ENABLED, volumes, v -> FailoverVolumeUpdate.moved(v.id(), ENABLED,
                    unlocated(PurityNames.arrayVolumeName(v)), arrayName));
        }
        // The group's protection group on the primary; the reverse group on the target is always root.
        String home = groupPg(group, mode);
        String pg = ConsistencyGroups.groupName(group.id());
        requireGroup(group, home);
        // A tri-sync member comes home into the group's (stretched) pod.
        java.util.function.UnaryOperator<String> homeName = n -> mode == ReplicationMode.TRISYNC
                ? io.purebridge.engine.array.ArrayNames.inPod(SyncGroupPods.podName(group.id()), n) : n;
        List<String> names = volumes.stream().map(v -> unlocated(PurityNames.arrayVolumeName(v))).toList();
        Set<String> live = targetLive(target);
        List<String> missing = names.stream().filter(n -> !live.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw refused("Group " + group.id() + ": " + missing + " no longer exist on " + target.info().name()
                    + "; they cannot fail back. Nothing was changed.");
        }
        protectBack(target, pg, names);
        PgSnapshotRecord snap = target.replication().createProtectionGroupSnapshot(pg, true, false);
        String received = ReplicationSetup.remoteGroupName(target.info().name(), snap.name());
        String remote = ReplicationSetup.remoteGroupName(target.info().name(), pg);
        boolean arrived = replication.listProtectionGroupSnapshots(remote).stream()
                .anyMatch(s -> s.name().equals(received) && !s.destroyed());
        if (!arrived) {
            throw refused("Failback of group " + group.id() + ": snapshot " + snap.name() + " of "
                    + target.info().name() + " did not reach the primary " + arrayName + " (replication link"
                    + " down?). The volumes stay on " + target.info().name() + "; restore the link and fail back"
                    + " again.");
        }
        Map<String, EngineException> failures = new LinkedHashMap<>();
        if (mode == ReplicationMode.TRISYNC) {
            // Into the stretched pod, one by one: each copy is mirrored to the pod's other array.
            for (String n : names) {
                try {
                    array.copyVolume(received + "." + n, homeName.apply(n), true);
                } catch (EngineException e) {
                    failures.put(n, e);
                }
            }
        } else {
            failures.putAll(VolumeCopies.run(array, names.stream()
                    .map(n -> new VolumeCopies.Copy(received + "." + n, n)).toList()));
        }
        ensureMembers(home, names.stream().map(homeName).toList(), true);
        replication.updateProtectionGroup(home, null, ReplicationSchedule.every(frequencyMs(), true));
        try {
            target.replication().destroyProtectionGroup(pg);
        } catch (EngineException e) {
            LOG.warn("{}: could not remove reverse group {} on {}: {}", backend(), pg, target.info().name(),
                    e.getMessage());
        }
        FlashArray targetArray = (FlashArray) target.replication();
        for (String name : names) {
            if (failures.containsKey(name)) {
                continue;
            }
            try {
                targetArray.destroyVolume(name);
                if (options.eradicateOnDelete()) {
                    targetArray.eradicateVolume(name);
                }
            } catch (EngineException e) {
                LOG.warn("{}: failback of group {} left {} on {}: {}", backend(), group.id(), name,
                        target.info().name(), e.getMessage());
            }
        }
        try {
            replicateNow(home);
        } catch (EngineException e) {
            LOG.warn("{}: replicate-now of {} after failback failed; the schedule catches up: {}", backend(), home,
                    e.getMessage());
        }
        LOG.info("{}: group {} failed back from {} to {}: {} volumes, {} in error", backend(), group.id(),
                target.info().name(), arrayName, names.size(), failures.size());
        return update(group, failures.isEmpty() ? ENABLED : ERROR, volumes, v -> {
            String name = unlocated(PurityNames.arrayVolumeName(v));
            EngineException failed = failures.get(name);
            return failed != null ? FailoverVolumeUpdate.failed(v.id(), ERROR, failed.getMessage())
                    : FailoverVolumeUpdate.moved(v.id(), ENABLED, homeName.apply(name), arrayName);
        });
    }

    /** On deleting a failed-over group: its reverse group on the target it is failed over to. */
    void dropReverseGroup(String targetArray, CinderGroup group) {
        targets.stream().filter(t -> t.info().name().equals(targetArray)).findFirst().ifPresent(t -> {
            try {
                t.replication().destroyProtectionGroup(ConsistencyGroups.groupName(group.id()));
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        });
    }

    // --- error status ---------------------------------------------------------------------------

    /**
     * The groups whose replication is in error, each with its volumes in error: an enabled group
     * whose protection group is gone, has lost a target, or ships to a target that is not
     * replicating (unreachable, disallowed); a member missing from it; a failed-over group whose
     * copies are gone from its target.
     */
    List<GroupReplicationUpdate> errors(List<ReplicatedGroup> groups) {
        List<GroupReplicationUpdate> out = new ArrayList<>();
        if (replication == null) {
            return out;
        }
        for (ReplicatedGroup rg : groups) {
            CinderGroup group = rg.group();
            String status = group.replicationStatus();
            if (!ENABLED.equals(status) && !FAILED_OVER.equals(status)) {
                continue;
            }
            ReplicationMode mode = modeOrNull(group);
            String pg = mode == null ? ConsistencyGroups.groupName(group.id()) : groupPg(group, mode);
            Map<String, String> volumeErrors = new LinkedHashMap<>();
            String groupError = null;
            Optional<String> at = failedOverArray(group, rg.volumes());
            boolean atSyncTarget = at.isPresent() && targets.stream().anyMatch(x -> x.info().name().equals(at.get())
                    && x.device().type() == ReplicationType.SYNC);
            if (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC && (at.isEmpty() || atSyncTarget)) {
                groupError = pods.error(group, at).orElse(null);
            }
            // The pod says it all for sync groups; a tri-sync group's async leg is checked once its pod is well.
            boolean podDecides = mode == ReplicationMode.SYNC || groupError != null || atSyncTarget;
            if (!podDecides && at.isPresent()) {
                Optional<ReplicationSetup.Target> t = targets.stream()
                        .filter(x -> x.info().name().equals(at.get())).findFirst();
                Set<String> live = t.isPresent() ? targetLive(t.get()) : Set.of();
                for (CinderVolume v : rg.volumes()) {
                    if (!live.contains(unlocated(PurityNames.arrayVolumeName(v)))) {
                        volumeErrors.put(v.id(), "not on " + at.get());
                    }
                }
            } else if (!podDecides) {
                Optional<ProtectionGroupRecord> record = replication.findProtectionGroup(pg);
                if (record.isEmpty()) {
                    groupError = "protection group " + pg + " is gone";
                } else if (ENABLED.equals(status)) {
                    ProtectionGroupRecord g = record.get();
                    List<String> bad = g.targets().stream().filter(x -> !x.allowed()
                            || !"replicating".equals(x.status())).map(x -> x.arrayName() + " " + x.status()).toList();
                    if (g.targets().isEmpty() || !g.replicationSchedule().enabled()) {
                        groupError = pg + " does not replicate (no target or schedule off)";
                    } else if (!bad.isEmpty()) {
                        groupError = pg + " cannot ship to " + bad;
                    }
                    for (CinderVolume v : rg.volumes()) {
                        if (!g.members().contains(PurityNames.arrayVolumeName(v))) {
                            volumeErrors.put(v.id(), "not in " + pg);
                        }
                    }
                }
            }
            if (groupError == null && volumeErrors.isEmpty()) {
                continue;
            }
            String why = groupError;
            LOG.warn("{}: replication of group {} is in error: {}", backend(), group.id(),
                    why != null ? why : volumeErrors);
            List<FailoverVolumeUpdate> vols = new ArrayList<>();
            for (CinderVolume v : rg.volumes()) {
                if (why != null || volumeErrors.containsKey(v.id())) {
                    vols.add(new FailoverVolumeUpdate(v.id(), "", ERROR, "", Map.of(),
                            why != null ? why : volumeErrors.get(v.id())));
                }
            }
            out.add(new GroupReplicationUpdate(group.id(), ERROR, vols));
        }
        return out;
    }

    /** True when a replicated group on this backend cannot ship (stats then report replication_status error). */
    boolean anyGroupInError() {
        if (replication == null) {
            return false;
        }
        return pods.anyInError() || replication.listProtectionGroups().stream()
                .filter(g -> g.local() && g.name().startsWith("consisgroup-") && !g.targets().isEmpty()
                        && g.replicationSchedule() != null && g.replicationSchedule().enabled())
                .anyMatch(g -> g.targets().stream().anyMatch(t -> !t.allowed() || !"replicating".equals(t.status())));
    }

    private ReplicationMode modeOrNull(CinderGroup group) {
        try {
            return check(group);
        } catch (EngineException e) {
            return null;
        }
    }

    // --- provider_id of a volume whose group is failed over -------------------------------------

    /** {@code <array>:<volume>}: the volume lives on that replication target while its group is failed over. */
    static String located(String arrayName, String volumeName) {
        return arrayName + LocatedNames.SEPARATOR + volumeName;
    }

    /** The array of a {@code <array>:<volume>} provider_id, or empty for a volume on the backend's own array. */
    static Optional<String> arrayOf(String providerId) {
        return LocatedNames.arrayOf(providerId);
    }

    /** The volume name without its {@code <array>:} prefix. */
    static String unlocated(String providerId) {
        return LocatedNames.withoutArray(providerId);
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** The one target array all volumes of a failed-over group live on, or empty when they are home. */
    private Optional<String> failedOverArray(CinderGroup group, List<CinderVolume> volumes) {
        Set<String> arrays = volumes.stream().map(v -> arrayOf(PurityNames.arrayVolumeName(v)).orElse(""))
                .collect(Collectors.toSet());
        if (arrays.size() > 1) {
            throw refused("The volumes of group " + group.id() + " are on different arrays ("
                    + arrays.stream().map(a -> a.isEmpty() ? arrayName : a).sorted().toList() + "); fail the group"
                    + " back with secondary_backend_id 'default' first. Nothing was changed.");
        }
        return arrays.stream().filter(a -> !a.isEmpty()).findFirst();
    }

    private void requireOnPrimary(CinderGroup group, List<CinderVolume> volumes, String action) {
        Optional<String> at = failedOverArray(group, volumes);
        if (at.isPresent()) {
            throw EngineException.failedPrecondition("GROUP_FAILED_OVER", "Cannot " + action + " group " + group.id()
                    + ": it is failed over to " + at.get() + "; fail it back with secondary_backend_id 'default'"
                    + " first. Nothing was changed.");
        }
    }

    private void requireGroup(CinderGroup group, String pg) {
        if (replication.findProtectionGroup(pg).isEmpty()) {
            throw EngineException.notFound("GROUP_NOT_FOUND", "Group " + group.id() + " has no protection group "
                    + pg + " on array " + arrayName + "; it was not created by this backend.");
        }
    }

    private void ensureMembers(String pg, List<CinderVolume> volumes) {
        ensureMembers(pg, volumes.stream().map(PurityNames::arrayVolumeName).toList(), false);
    }

    /** Adds the volumes the group lacks, taking them out of the backend's async group. */
    private void ensureMembers(String pg, List<String> names, boolean quiet) {
        List<String> members = replication.findProtectionGroup(pg).map(ProtectionGroupRecord::members)
                .orElse(List.of());
        List<String> missing = names.stream().filter(n -> !members.contains(n)).toList();
        if (missing.isEmpty()) {
            return;
        }
        for (String name : missing) {
            try {
                replication.dropProtectionGroupMembers(options.replicationPgName(), List.of(name));
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        FailbackGroup.addInBatches(replication, pg, missing);
        if (!quiet) {
            LOG.info("{}: {} joined protection group {}", backend(), missing, pg);
        }
    }

    private void replicateNow(String pg) {
        replication.createProtectionGroupSnapshot(pg, true, true);
    }

    /** The group on the target, holding the restored volumes and replicating back to the primary. */
    private void protectBack(ReplicationSetup.Target target, String pg, List<String> names) {
        ReplicationArray t = target.replication();
        try {
            if (t.findProtectionGroup(pg).isEmpty()) {
                t.createProtectionGroup(pg);
                t.setRetention(pg, null, targetRetention());
            }
            ProtectionGroupRecord g = t.findProtectionGroup(pg).orElseThrow();
            if (g.targets().stream().noneMatch(x -> x.arrayName().equals(arrayName))) {
                t.addProtectionGroupTargets(pg, List.of(arrayName));
            }
            replication.allowProtectionGroup(ReplicationSetup.remoteGroupName(target.info().name(), pg), true);
            List<String> missing = names.stream().filter(n -> !g.members().contains(n)).toList();
            FailbackGroup.addInBatches(t, pg, missing);
            t.setReplicationSchedule(pg, ReplicationSchedule.every(frequencyMs(), true));
        } catch (EngineException e) {
            LOG.warn("{}: the failed-over volumes of {} on {} are not protected back to {} yet: {}", backend(), pg,
                    target.info().name(), arrayName, e.getMessage());
        }
    }

    private Optional<PgSnapshotRecord> newestHoldingAll(ReplicationSetup.Target target, String remote,
            List<CinderVolume> volumes) {
        List<PgSnapshotRecord> snaps;
        try {
            snaps = target.replication().listProtectionGroupSnapshots(remote);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            return Optional.empty();
        }
        PgSnapshotRecord best = null;
        for (PgSnapshotRecord s : snaps) {
            if (s.destroyed()) {
                continue;
            }
            boolean all = volumes.stream().allMatch(v -> s.volumeSnapshots()
                    .contains(s.name() + "." + PurityNames.arrayVolumeName(v)));
            if (all && (best == null || best.createdEpochMillis() <= s.createdEpochMillis())) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    private ReplicationSetup.Target firstWithCopy(CinderGroup group, String remote, List<CinderVolume> volumes) {
        for (ReplicationTarget device : options.replicationTargets()) {
            Optional<ReplicationSetup.Target> t = targets.stream()
                    .filter(x -> x.device().backendId().equals(device.backendId())).findFirst();
            if (t.isPresent() && newestHoldingAll(t.get(), remote, volumes).isPresent()) {
                return t.get();
            }
        }
        throw EngineException.failedPrecondition("NO_FAILOVER_TARGET", "No replication target of backend "
                + backend() + " among " + configured() + " holds a replicated snapshot of group " + group.id()
                + " with all its volumes. Nothing was changed.");
    }

    private ReplicationSetup.Target reachable(String backendId, CinderGroup group) {
        return targets.stream().filter(t -> t.device().backendId().equals(backendId)).findFirst()
                .orElseThrow(() -> refused("Group " + group.id() + " cannot fail over to '" + backendId + "': the"
                        + " replication target did not answer when backend " + backend() + " registered. Nothing"
                        + " was changed."));
    }

    private ReplicationSetup.Target targetByArray(String name) {
        return targets.stream().filter(t -> t.info().name().equals(name)).findFirst()
                .orElseThrow(() -> refused("Array " + name + ", where the group's volumes are, is not a"
                        + " replication target of backend " + backend() + " that answered at registration."
                        + " Nothing was changed."));
    }

    private static Set<String> targetLive(ReplicationSetup.Target target) {
        return ((FlashArray) target.replication()).listVolumes().stream().filter(v -> !v.destroyed())
                .map(v -> v.name()).collect(Collectors.toSet());
    }

    private RetentionPolicy targetRetention() {
        return new RetentionPolicy(options.replicaRetentionShortTermSeconds(),
                options.replicaRetentionLongTermPerDay(), options.replicaRetentionLongTermDays());
    }

    private long frequencyMs() {
        return options.replicaIntervalSeconds() * 1000L;
    }

    private static GroupReplicationUpdate update(CinderGroup group, String status, List<CinderVolume> volumes,
            java.util.function.Function<CinderVolume, FailoverVolumeUpdate> each) {
        return new GroupReplicationUpdate(group.id(), status, volumes.stream().map(each).toList());
    }

    private static FailoverVolumeUpdate status(String volumeId, String replicationStatus) {
        return new FailoverVolumeUpdate(volumeId, "", replicationStatus, "", Map.of(), "");
    }

    private static String quoted(String value) {
        return value == null ? "unset" : "'" + value + "'";
    }

    private String backend() {
        return options.backendName();
    }

    private String configured() {
        return options.replicationTargets().stream().map(t -> "'" + t.backendId() + "' ("
                + t.type().name().toLowerCase(Locale.ROOT) + ")").toList().toString();
    }

    private static EngineException unsupported(String message) {
        return EngineException.invalidArgument("GROUP_TYPE_UNSUPPORTED", message);
    }

    private static EngineException invalidTarget(String message) {
        return EngineException.failedPrecondition("INVALID_REPLICATION_TARGET", message);
    }

    private static EngineException refused(String message) {
        return EngineException.failedPrecondition("FAILOVER_REFUSED", message);
    }
}
