package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PodArrayStatus;
import io.purebridge.engine.array.PodRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage side of Cinder's failover and failback for one backend (reference
 * cinder-pure-driver.md §4.6, with upstream's gaps closed):
 *
 * <ul>
 *   <li>sync (pod) volumes switch to the surviving pod member, no data moves;
 *   <li>async volumes come up on the target from the newest replicated snapshot holding them, all
 *       copies in as few array operations as the array allows; with the primary still up, a
 *       replicate-now first makes a planned failover lose nothing;
 *   <li>tri-sync volumes go to whichever target is named: the pod's other member, or the async
 *       target from the in-pod group's snapshots (upstream looks only at the root group);
 *   <li>failback ({@code default}) reverses the replication: the serving array protects its volumes
 *       to the primary ({@link FailbackGroup}), ships a last snapshot, and the primary takes it over
 *       (upstream puts every non-sync volume in error instead).
 * </ul>
 *
 * <p>Every check that can refuse the request (unknown backend_id, nothing replicated, failback while
 * not failed over, an array down, a pod not online) runs before anything is changed. The switch of
 * the serving array itself is {@code failover_completed}: a registration with the new
 * active_backend_id ({@link ArrayBackendRegistry}).
 */
final class BackendFailover {
    private static final Logger LOG = LoggerFactory.getLogger(BackendFailover.class);

    private final BackendOptions options;
    private final ArrayConnector connector;
    /** The array name of the primary as last seen, or null when never reached. */
    private final String knownPrimaryName;

    BackendFailover(BackendOptions options, ArrayConnector connector, String knownPrimaryName) {
        this.options = options;
        this.connector = connector;
        this.knownPrimaryName = knownPrimaryName;
    }

    FailoverResult failover(FailoverRequest request) {
        String active = options.activeBackendId();
        if (request.failback()) {
            return failback(request);
        }
        if (!options.replicationConfigured()) {
            throw invalidTarget("Backend " + backend() + " has no replication_device, so it cannot fail over"
                    + (request.secondaryId().isEmpty() ? "" : " to '" + request.secondaryId() + "'")
                    + "; nothing was changed.");
        }
        if (active != null) {
            if (request.secondaryId().isEmpty() || request.secondaryId().equals(active)) {
                // Failover again to where we already are (a retried command): report, change nothing.
                LOG.info("{}: already failed over to '{}'; nothing to do", backend(), active);
                return new FailoverResult(active, request.volumes().stream()
                        .map(v -> new FailoverVolumeUpdate(v.id(), "", FailoverVolumeUpdate.FAILED_OVER, "", Map.of(),
                                "")).toList(), groupUpdates(request, List.of(), FailoverVolumeUpdate.FAILED_OVER));
            }
            throw invalidTarget("Backend " + backend() + " is failed over to '" + active + "'; fail back with"
                    + " --backend_id default before failing over to '" + request.secondaryId() + "'. Nothing was changed.");
        }
        ReplicationTarget target = request.secondaryId().isEmpty() ? chooseTarget()
                : options.target(request.secondaryId()).orElseThrow(() -> invalidTarget("Unknown backend_id '"
                        + request.secondaryId() + "' for backend " + backend() + ": cinder.conf configures "
                        + configured() + ". Nothing was changed."));
        if (request.volumes().stream().allMatch(v -> modeOf(v) == ReplicationMode.NONE)) {
            throw unable("Backend " + backend() + " has no replicated volume to fail over to '" + target.backendId()
                    + "' (" + request.volumes().size() + " volumes handed over, none of a replicated type)."
                    + " Nothing was changed.");
        }
        Reached t = reach(target.backendId(), target.endpoint(), "replication target '" + target.backendId() + "'");
        return failoverTo(target, t, request);
    }

    // --- failover --------------------------------------------------------------------------------

    private FailoverResult failoverTo(ReplicationTarget target, Reached t, FailoverRequest request) {
        Optional<Reached> primary = tryReach(options.primaryEndpoint());
        String primaryName = primary.map(p -> p.info().name()).orElse(knownPrimaryName);
        boolean toSync = target.type() == ReplicationType.SYNC;
        boolean podVolumes = request.volumes().stream().anyMatch(v -> PurityNames.podOf(PurityNames.arrayVolumeName(v)) != null);
        if (toSync && podVolumes) {
            requirePodServing(t, target.backendId(), "fail over to '" + target.backendId() + "'");
        }
        // Planned failover (the primary still answers): ship what the primary has right now first.
        List<String> groups = new ArrayList<>(java.util.Arrays.asList(options.replicationPgName(),
                options.trisyncEnabled() ? ReplicationSetup.trisyncGroup(options) : null));
        // Volumes of replicated consistency groups are replicated by their group's protection group.
        // (tri-sync groups by the protection group inside their pod).
        request.volumeGroups().values().stream().distinct().forEach(g -> {
            groups.add(ConsistencyGroups.groupName(g));
            groups.add(SyncGroupPods.pgName(g));
        });
        primary.ifPresent(p -> replicateNow(p, groups));
        if (primaryName == null) {
            primaryName = guessPrimaryName(t);
        }
        ReplicaSnapshots rootCopies = primaryName == null ? null
                : ReplicaSnapshots.of(t.replication(), ReplicationSetup.remoteGroupName(primaryName,
                        options.replicationPgName()));
        ReplicaSnapshots podCopies = options.trisyncEnabled() && !toSync
                ? ReplicaSnapshots.of(t.replication(), ReplicationSetup.remoteGroupName(primaryName,
                        ReplicationSetup.trisyncGroup(options))) : null;

        // One listing instead of a lookup per volume (a REST array answers each in a round trip).
        java.util.Set<String> onTarget = podVolumes && toSync ? liveVolumes(t) : java.util.Set.of();
        Map<String, FailoverVolumeUpdate> updates = new LinkedHashMap<>();
        List<VolumeCopies.Copy> copies = new ArrayList<>();
        Map<String, String> volumeByTarget = new LinkedHashMap<>();
        Map<String, ReplicaSnapshots> groupCopies = new java.util.HashMap<>();
        String primaryName0 = primaryName;
        for (CinderVolume v : request.volumes()) {
            ReplicationMode mode = modeOf(v);
            String name = PurityNames.arrayVolumeName(v);
            if (mode == ReplicationMode.NONE) {
                updates.put(v.id(), FailoverVolumeUpdate.failed(v.id(), FailoverVolumeUpdate.NOT_CAPABLE,
                        "volume type is not replicated"));
                continue;
            }
            String pod = PurityNames.podOf(name);
            if (pod != null && toSync) {
                boolean there = onTarget.contains(name);
                updates.put(v.id(), there ? FailoverVolumeUpdate.moved(v.id(), FailoverVolumeUpdate.FAILED_OVER, name,
                        t.info().name()) : FailoverVolumeUpdate.failed(v.id(), FailoverVolumeUpdate.FAILOVER_ERROR,
                        name + " is not in pod " + pod + " on " + t.info().name()));
                continue;
            }
            ReplicaSnapshots source = pod == null ? rootCopies : podCopies;
            Optional<ReplicaSnapshots.Copy> copy = source == null ? Optional.empty() : source.newest(name);
            String group = request.volumeGroups().get(v.id());
            if (copy.isEmpty() && group != null && primaryName != null) {
                String groupPg = pod == null ? ConsistencyGroups.groupName(group) : SyncGroupPods.pgName(group);
                copy = groupCopies.computeIfAbsent(groupPg, g -> ReplicaSnapshots.of(t.replication(),
                        ReplicationSetup.remoteGroupName(primaryName0, g))).newest(name);
            }
            if (copy.isEmpty()) {
                updates.put(v.id(), FailoverVolumeUpdate.failed(v.id(), FailoverVolumeUpdate.FAILOVER_ERROR,
                        "no replicated snapshot of " + name + " on " + t.info().name()
                                + (pod != null && mode == ReplicationMode.SYNC ? " (sync volumes replicate only to"
                                        + " the pod's other array)" : "")));
                continue;
            }
            String restored = pod == null ? name : name.substring(pod.length() + 2);
            copies.add(new VolumeCopies.Copy(copy.get().snapshotName(), restored));
            volumeByTarget.put(restored, v.id());
            updates.put(v.id(), FailoverVolumeUpdate.moved(v.id(), FailoverVolumeUpdate.FAILED_OVER, restored,
                    t.info().name()));
        }
        if (updates.values().stream().allMatch(FailoverVolumeUpdate::failed)) {
            throw unable("None of the " + updates.size() + " replicated volumes of backend " + backend()
                    + " can be brought up on '" + target.backendId() + "' (" + t.info().name() + "): "
                    + updates.values().stream().map(FailoverVolumeUpdate::detail).distinct().limit(3).toList()
                    + ". Nothing was changed.");
        }
        long started = System.nanoTime();
        Map<String, EngineException> failures = VolumeCopies.run(t.array(), copies);
        failures.forEach((restored, error) -> {
            String id = volumeByTarget.get(restored);
            updates.put(id, FailoverVolumeUpdate.failed(id, FailoverVolumeUpdate.FAILOVER_ERROR, error.getMessage()));
        });
        List<String> restoredNames = copies.stream().map(VolumeCopies.Copy::target)
                .filter(n -> !failures.containsKey(n)).toList();
        if (!restoredNames.isEmpty()) {
            protectBack(t, primary.orElse(null), primaryName, restoredNames);
        }
        long failed = updates.values().stream().filter(FailoverVolumeUpdate::failed).count();
        LOG.info("{}: failed over to '{}' ({}): {} volumes restored from replicated snapshots in {} ms, {} pod"
                + " volumes switched, {} in error", backend(), target.backendId(), t.info().name(), restoredNames.size(),
                (System.nanoTime() - started) / 1_000_000, updates.size() - failed - restoredNames.size(), failed);
        return new FailoverResult(target.backendId(), List.copyOf(updates.values()),
                groupUpdates(request, List.copyOf(updates.values()), FailoverVolumeUpdate.FAILED_OVER));
    }

    /** Starts protecting restored volumes back toward the primary; a failure here only delays that. */
    private void protectBack(Reached serving, Reached primary, String primaryName, List<String> volumes) {
        try {
            FailbackGroup.ensure(options, serving.replication(), serving.info().name(),
                    primary == null ? null : primary.replication(), primary == null ? null : primaryName);
            FailbackGroup.addMembers(options, serving.replication(), volumes);
        } catch (RuntimeException e) {
            LOG.warn("{}: the failed-over volumes on {} are not protected back to the primary yet ({}); failback"
                    + " sets this up again", backend(), serving.info().name(), e.getMessage());
        }
    }

    private void replicateNow(Reached primary, List<String> groups) {
        for (String group : groups) {
            if (group == null) {
                continue;
            }
            try {
                if (primary.replication().findProtectionGroup(group).map(g -> !g.members().isEmpty()
                        && !g.targets().isEmpty()).orElse(false)) {
                    primary.replication().createProtectionGroupSnapshot(group, true, true);
                }
            } catch (EngineException e) {
                LOG.warn("{}: replicate-now of {} before failover failed; the newest replicated snapshot is used: {}",
                        backend(), group, e.getMessage());
            }
        }
    }

    /** As upstream: a sync target whose pod is online there first, else an async target with a copy. */
    private ReplicationTarget chooseTarget() {
        List<String> tried = new ArrayList<>();
        for (ReplicationTarget t : options.replicationTargets()) {
            if (t.type() != ReplicationType.SYNC) {
                continue;
            }
            Optional<Reached> r = tryReach(t.endpoint());
            if (r.isPresent() && podServing(r.get()).map(s -> PodArrayStatus.ONLINE.equals(s.status())).orElse(false)) {
                return t;
            }
            tried.add(t.backendId() + " (pod not online there)");
        }
        for (ReplicationTarget t : options.replicationTargets()) {
            if (t.type() != ReplicationType.ASYNC) {
                continue;
            }
            Optional<Reached> r = tryReach(t.endpoint());
            if (r.isEmpty()) {
                tried.add(t.backendId() + " (unreachable)");
                continue;
            }
            String primaryName = Optional.ofNullable(knownPrimaryName).orElseGet(() -> guessPrimaryName(r.get()));
            if (primaryName != null && !ReplicaSnapshots.of(r.get().replication(),
                    ReplicationSetup.remoteGroupName(primaryName, options.replicationPgName())).isEmpty()) {
                return t;
            }
            tried.add(t.backendId() + " (no replicated snapshot)");
        }
        throw EngineException.failedPrecondition("NO_FAILOVER_TARGET", "Backend " + backend() + " found no"
                + " viable failover target among " + configured() + ": " + tried + ". Nothing was changed.");
    }

    // --- failback --------------------------------------------------------------------------------

    private FailoverResult failback(FailoverRequest request) {
        String active = options.activeBackendId();
        if (active == null) {
            throw invalidTarget("Backend " + backend() + " is not failed over, so it cannot fail back to 'default':"
                    + " failback is only possible after a failover has completed. Nothing was changed.");
        }
        ReplicationTarget serving = options.target(active).orElseThrow();
        Reached t = reach(active, serving.endpoint(), "replication target '" + active + "' (serving the volumes)");
        Reached a = reach("default", options.primaryEndpoint(), "primary array (san_ip " + options.sanIp() + ")");
        boolean fromSync = serving.type() == ReplicationType.SYNC;

        Map<String, FailoverVolumeUpdate> updates = new LinkedHashMap<>();
        List<String> toShip = new ArrayList<>();
        Map<String, String> destination = new LinkedHashMap<>();
        Map<String, CinderVolume> byServingName = new LinkedHashMap<>();
        boolean podNeeded = false;
        java.util.Set<String> onServing = liveVolumes(t);
        for (CinderVolume v : request.volumes()) {
            ReplicationMode mode = modeOf(v);
            String name = PurityNames.arrayVolumeName(v);
            if (mode == ReplicationMode.NONE) {
                updates.put(v.id(), FailoverVolumeUpdate.failed(v.id(), FailoverVolumeUpdate.NOT_CAPABLE,
                        "volume type is not replicated"));
                continue;
            }
            if (!onServing.contains(name)) {
                updates.put(v.id(), FailoverVolumeUpdate.failed(v.id(), FailoverVolumeUpdate.ERROR,
                        name + " does not exist on " + t.info().name()));
                continue;
            }
            boolean inPod = PurityNames.podOf(name) != null;
            boolean wantsPod = (mode == ReplicationMode.SYNC || mode == ReplicationMode.TRISYNC) && hasSyncTarget();
            if (inPod && fromSync) {
                podNeeded = true;
                updates.put(v.id(), FailoverVolumeUpdate.moved(v.id(), ArrayCinderBackend.ENABLED, name, a.info().name()));
                continue;
            }
            String dest = wantsPod ? homePod(a, request.volumeGroups().get(v.id())) + "::" + PurityNames.volumeName(v)
                    : name;
            podNeeded |= wantsPod;
            toShip.add(name);
            destination.put(name, dest);
            byServingName.put(name, v);
            updates.put(v.id(), FailoverVolumeUpdate.moved(v.id(), ArrayCinderBackend.ENABLED, dest, a.info().name()));
        }
        if (podNeeded || hasSyncTarget()) {
            // The primary's registration manages the pod's groups, so the pod must be in sync there.
            requirePodServing(a, "default", "fail back to the primary " + a.info().name());
        }
        if (!toShip.isEmpty()) {
            ship(t, a, toShip, destination, byServingName, updates);
        }
        LOG.info("{}: failed back from '{}' ({}) to {}: {} volumes shipped back, {} in error", backend(), active,
                t.info().name(), a.info().name(), toShip.size(),
                updates.values().stream().filter(FailoverVolumeUpdate::failed).count());
        return new FailoverResult(FailoverRequest.DEFAULT, List.copyOf(updates.values()),
                groupUpdates(request, List.copyOf(updates.values()), ArrayCinderBackend.ENABLED));
    }

    /**
     * Reverse replication: the serving array's failback group (target the primary) takes one more
     * snapshot, shipped now (only blocks the primary's copy lacks); the primary copies each volume out
     * of it onto its own volume, rejoins the forward groups, and the failback group is removed.
     */
    private void ship(Reached t, Reached a, List<String> names, Map<String, String> destination,
            Map<String, CinderVolume> volumes, Map<String, FailoverVolumeUpdate> updates) {
        String group = FailbackGroup.name(options);
        FailbackGroup.ensure(options, t.replication(), t.info().name(), a.replication(), a.info().name());
        FailbackGroup.addMembers(options, t.replication(), names);
        PgSnapshotRecord snap = t.replication().createProtectionGroupSnapshot(group, true, false);
        String remote = ReplicationSetup.remoteGroupName(t.info().name(), group);
        String received = ReplicationSetup.remoteGroupName(t.info().name(), snap.name());
        boolean arrived = a.replication().listProtectionGroupSnapshots(remote).stream()
                .anyMatch(s -> s.name().equals(received) && !s.destroyed());
        if (!arrived) {
            throw unable("Failback of backend " + backend() + ": snapshot " + snap.name() + " of " + t.info().name()
                    + " did not reach the primary " + a.info().name() + " (replication link down?). The volumes"
                    + " stay on " + t.info().name() + "; restore the link and fail back again.");
        }
        List<VolumeCopies.Copy> rootCopies = new ArrayList<>();
        List<VolumeCopies.Copy> podCopies = new ArrayList<>();
        for (String name : names) {
            VolumeCopies.Copy c = new VolumeCopies.Copy(received + "." + name, destination.get(name));
            (PurityNames.podOf(c.target()) == null ? rootCopies : podCopies).add(c);
        }
        Map<String, EngineException> failures = new LinkedHashMap<>(VolumeCopies.run(a.array(), rootCopies));
        for (VolumeCopies.Copy c : podCopies) {
            // Into the stretched pod: each copy is mirrored to the pod's other array.
            try {
                a.array().copyVolume(c.source(), c.target(), true);
            } catch (EngineException e) {
                failures.put(c.target(), e);
            }
        }
        Map<String, List<String>> joins = new LinkedHashMap<>();
        // Members of replicated consistency groups are still in their group there: it replicates them.
        java.util.Set<String> inGroups = a.replication().listProtectionGroups().stream()
                .filter(g -> g.local() && g.name().startsWith("consisgroup-") && !g.targets().isEmpty())
                .flatMap(g -> g.members().stream()).collect(java.util.stream.Collectors.toSet());
        for (String name : names) {
            CinderVolume v = volumes.get(name);
            String dest = destination.get(name);
            if (failures.containsKey(dest)) {
                updates.put(v.id(), FailoverVolumeUpdate.failed(v.id(), FailoverVolumeUpdate.ERROR,
                        failures.get(dest).getMessage()));
                continue;
            }
            String forward = switch (modeOf(v)) {
                case ASYNC -> options.replicationPgName();
                case TRISYNC -> options.trisyncEnabled() ? ReplicationSetup.trisyncGroup(options) : null;
                default -> null;
            };
            if (forward != null && !inGroups.contains(dest)) {
                joins.computeIfAbsent(forward, g -> new ArrayList<>()).add(dest);
            }
        }
        joins.forEach((forward, members) -> {
            List<String> current = a.replication().findProtectionGroup(forward).map(g -> g.members()).orElse(List.of());
            List<String> missing = members.stream().filter(m -> !current.contains(m)).toList();
            FailbackGroup.addInBatches(a.replication(), forward, missing);
        });
        try {
            t.replication().destroyProtectionGroup(group);
        } catch (EngineException e) {
            LOG.warn("{}: could not remove failback group {} on {}: {}", backend(), group, t.info().name(),
                    e.getMessage());
        }
        retireServingCopies(t, names.stream().filter(n -> !failures.containsKey(destination.get(n))).toList());
    }

    /**
     * The copies failover made on the serving array, once the primary holds their data again:
     * destroyed (and eradicated with pure_eradicate_on_delete, as a Cinder delete would), so no
     * volume is left behind that no Cinder volume refers to. Upstream leaves them. A copy still
     * connected to a host (a detach Cinder has not finished) stays, with a warning.
     */
    private void retireServingCopies(Reached t, List<String> shipped) {
        for (String name : shipped) {
            try {
                t.array().destroyVolume(name);
                if (options.eradicateOnDelete()) {
                    t.array().eradicateVolume(name);
                }
            } catch (EngineException e) {
                LOG.warn("{}: failback left {} on {}: {}", backend(), name, t.info().name(), e.getMessage());
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** An array reached for a failover: session, identity, replication capability. */
    record Reached(FlashArray array, ArrayInfo info, ReplicationArray replication) {
    }

    private Reached reach(String backendId, ArrayEndpoint endpoint, String what) {
        FlashArray array;
        ArrayInfo info;
        try {
            array = connector.connect(endpoint);
            info = array.arrayInfo();
        } catch (EngineException e) {
            if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.NOT_FOUND) {
                throw unable("Backend " + backend() + " cannot fail over to '" + backendId + "': the " + what
                        + " (" + endpoint.sanIp() + ") is unreachable: " + e.getMessage() + " Nothing was changed.");
            }
            throw e;
        }
        if (!(array instanceof ReplicationArray replication)) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_BUILT", "Backend " + backend()
                    + ": the " + what + " (" + info.name() + ") does not replicate through this purebridge build.");
        }
        return new Reached(array, info, replication);
    }

    private Optional<Reached> tryReach(ArrayEndpoint endpoint) {
        try {
            FlashArray array = connector.connect(endpoint);
            ArrayInfo info = array.arrayInfo();
            return array instanceof ReplicationArray r ? Optional.of(new Reached(array, info, r)) : Optional.empty();
        } catch (EngineException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** A member of a sync or tri-sync replicated group goes back into its group's pod; others into the backend's. */
    private String homePod(Reached primary, String groupId) {
        if (groupId != null && primary.replication().findPod(SyncGroupPods.podName(groupId)).isPresent()) {
            return SyncGroupPods.podName(groupId);
        }
        return options.replicationPodName();
    }

    /** The array's own entry in the backend's pod, as it sees it. */
    private Optional<PodArrayStatus> podServing(Reached r) {
        Optional<PodRecord> pod;
        try {
            pod = r.replication().findPod(options.replicationPodName());
        } catch (EngineException e) {
            return Optional.empty();
        }
        return pod.flatMap(p -> p.arrays().stream().filter(s -> s.arrayName().equals(r.info().name())).findFirst());
    }

    private void requirePodServing(Reached r, String backendId, String action) {
        Optional<PodArrayStatus> status = podServing(r);
        if (status.isEmpty()) {
            throw unable("Cannot " + action + " for backend " + backend() + ": pod " + options.replicationPodName()
                    + " is not on " + r.info().name() + ". Nothing was changed.");
        }
        PodArrayStatus s = status.get();
        if (!PodArrayStatus.ONLINE.equals(s.status())) {
            String why = PodArrayStatus.RESYNCING.equals(s.status())
                    ? "it is resyncing (" + String.format(Locale.ROOT, "%.0f%%", s.progress() * 100)
                            + " done); retry when the pod is online there"
                    : "it is " + s.status() + " there (it did not win the mediator race, or the link is down)";
            throw unable("Cannot " + action + " ('" + backendId + "') for backend " + backend() + ": pod "
                    + options.replicationPodName() + " cannot serve on " + r.info().name() + ": " + why
                    + ". Nothing was changed.");
        }
    }

    private static java.util.Set<String> liveVolumes(Reached r) {
        return r.array().listVolumes().stream().filter(v -> !v.destroyed()).map(v -> v.name())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Without the primary's name: the one remote copy of the backend's group on the target. */
    private String guessPrimaryName(Reached target) {
        String suffix = ":" + options.replicationPgName();
        List<String> sources = target.replication().listProtectionGroups().stream()
                .filter(g -> !g.local() && g.name().endsWith(suffix))
                .map(g -> g.name().substring(0, g.name().length() - suffix.length())).distinct().toList();
        return sources.size() == 1 ? sources.get(0) : null;
    }

    private static ReplicationMode modeOf(CinderVolume v) {
        try {
            return ReplicationMode.fromExtraSpecs(v.extraSpecs());
        } catch (EngineException e) {
            return ReplicationMode.NONE;
        }
    }

    private boolean hasSyncTarget() {
        return options.replicationTargets().stream().anyMatch(t -> t.type() == ReplicationType.SYNC);
    }

    /** Each group follows its volumes: in error when any of its volumes is. */
    private static List<FailoverGroupUpdate> groupUpdates(FailoverRequest request, List<FailoverVolumeUpdate> updates,
            String success) {
        Map<String, Boolean> failedByVolume = new LinkedHashMap<>();
        updates.forEach(u -> failedByVolume.put(u.volumeId(), u.failed()));
        List<FailoverGroupUpdate> out = new ArrayList<>();
        for (String group : request.groupIds()) {
            boolean failed = request.volumeGroups().entrySet().stream()
                    .anyMatch(e -> e.getValue().equals(group) && failedByVolume.getOrDefault(e.getKey(), false));
            out.add(new FailoverGroupUpdate(group, failed ? FailoverVolumeUpdate.ERROR : "",
                    failed ? FailoverVolumeUpdate.ERROR : success));
        }
        return out;
    }

    private String backend() {
        return options.backendName();
    }

    private String configured() {
        return options.replicationTargets().stream().map(t -> "'" + t.backendId() + "' ("
                + t.type().name().toLowerCase(Locale.ROOT) + ")").toList().toString();
    }

    private static EngineException invalidTarget(String message) {
        return EngineException.failedPrecondition("INVALID_REPLICATION_TARGET", message);
    }

    private static EngineException unable(String message) {
        return EngineException.failedPrecondition("FAILOVER_REFUSED", message);
    }
}
