package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.PgTargetRecord;
import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.StoredState.Snapshot;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous protection groups between the simulated arrays: snapshots, schedule, retention and
 * transfers. A group and its snapshot records live in the source array's store ({@code pg/NAME},
 * {@code G/SNAPSHOT}); a group inside a pod lives on every pod array, so whichever serves the pod
 * goes on replicating. A transfer sends, per volume, only the blocks whose hash differs from the
 * target's newest copy of that volume, and of those only the chunks the target lacks; the target
 * applies a whole group snapshot in one batch (all or nothing).
 */
final class ProtectionGroups {
    private static final Logger LOG = LoggerFactory.getLogger(ProtectionGroups.class);
    private static final String GROUP = MetaKeys.PROTECTION_GROUP.text();
    private static final String SNAP = MetaKeys.PROTECTION_GROUP_SNAPSHOT.text();
    private static final int TRANSFERS_KEPT = 100;

    private final ReplicationFabric fabric;
    private final Clock clock;

    ProtectionGroups(ReplicationFabric fabric, Clock clock) {
        this.fabric = fabric;
        this.clock = clock;
    }

    /** Stored group: a local one (its config) or a remote copy on a target. */
    static final class Group {
        public String name;
        /** Source array, or the pod for a group inside a pod. */
        public String source;
        public boolean local;
        public String pod = "";
        public List<String> members = new ArrayList<>();
        public List<String> targets = new ArrayList<>();
        /** On a remote group: the target allowed it. */
        public boolean allowed;
        public ReplicationSchedule schedule = ReplicationSchedule.every(3_600_000L, false);
        public RetentionPolicy sourceRetention = new RetentionPolicy(86_400, 4, 7);
        public RetentionPolicy targetRetention = new RetentionPolicy(86_400, 4, 7);
        public long nextNumber = 1;
        public long scheduleAnchorEpochMillis;
        public Map<String, Progress> progress = new TreeMap<>();
        public List<PgTransferRecord> transfers = new ArrayList<>();
    }

    static final class Progress {
        public String lastSnapshot;
        public long lastSnapshotCreated;
        public long lastCompleted;
        public long bytesSent;
        public long logicalBytes;
    }

    static final class GroupSnapshot {
        public String name;
        public String group;
        public long number;
        public long createdEpochMillis;
        public List<String> volumeSnapshots = new ArrayList<>();
        public boolean applyRetention;
        public boolean destroyed;
        public long destroyedEpochMillis;
        // On a target only: how this replica arrived (0 in state written before they were kept).
        public long transferStartedEpochMillis;
        public long transferCompletedEpochMillis;
        public long dataTransferred;
        public long physicalBytesWritten;
    }

    // --- naming ------------------------------------------------------------------------------

    /** {@code <array>:<pg>}, or {@code <pod>:<pg>} for {@code pod::pg}. */
    static String remoteName(Group g) {
        return ArrayNames.remoteGroupName(g.source, g.name);
    }

    private static void checkGroupName(String name) {
        String pod = Names.podOfObject(name);
        String base = pod.isEmpty() ? name : name.substring(pod.length() + 2);
        if (name == null || !Names.isPodName(base) || (name.contains(Names.POD_SEPARATOR) && pod.isEmpty())) {
            throw EngineException.invalidArgument("INVALID_PROTECTION_GROUP_NAME", "Protection group name '" + name
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit,"
                    + " optionally prefixed by 'pod::'.");
        }
    }

    // --- storage -----------------------------------------------------------------------------

    private static Group load(ReplicaStore on, String name) {
        return on.getMeta(GROUP + name, Group.class);
    }

    private Group localGroup(ReplicaStore on, String name) {
        Group g = load(on, name);
        if (g == null || !g.local) {
            throw EngineException.notFound("PROTECTION_GROUP_NOT_FOUND", "Protection group " + name
                    + " does not exist on array " + on.name() + "; create it first.");
        }
        if (!g.pod.isEmpty() && !fabric.servingMembers(g.pod).contains(on.name())) {
            throw EngineException.unavailable("POD_OFFLINE", "Array " + on.name() + " does not serve pod " + g.pod
                    + " now; manage protection group " + name + " on the pod's serving array.");
        }
        return g;
    }

    /** Saves a group here and, for a group in a pod, on the pod's other serving arrays. */
    private void save(ReplicaStore on, Group g, Map<String, byte[]> extra) {
        Map<String, byte[]> meta = new LinkedHashMap<>();
        if (extra != null) {
            meta.putAll(extra);
        }
        meta.put(GROUP + g.name, SimStore.toJson(g));
        on.putMeta(meta);
        for (ReplicaStore peer : podPeers(on, g)) {
            peer.putMeta(meta);
        }
    }

    private List<ReplicaStore> podPeers(ReplicaStore on, Group g) {
        if (g.pod.isEmpty()) {
            return List.of();
        }
        return fabric.servingMembers(g.pod).stream().filter(m -> !m.equals(on.name())).map(fabric::array).toList();
    }

    private static List<GroupSnapshot> snapshotsOf(ReplicaStore on, String groupName) {
        List<GroupSnapshot> out = new ArrayList<>();
        for (GroupSnapshot s : on.loadMeta(SNAP + groupName + ".", GroupSnapshot.class)) {
            if (s.group.equals(groupName)) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Long.compare(a.number, b.number));
        return out;
    }

    /** Snapshots not destroyed: the ones that replicate, serve as baselines and age under retention. */
    private static List<GroupSnapshot> liveSnapshotsOf(ReplicaStore on, String groupName) {
        return snapshotsOf(on, groupName).stream().filter(s -> !s.destroyed).toList();
    }

    // --- SPI ---------------------------------------------------------------------------------

    ProtectionGroupRecord create(ReplicaStore on, String name) {
        checkGroupName(name);
        return fabric.locked(() -> {
            String pod = Names.podOfObject(name);
            if (!pod.isEmpty() && !fabric.podMembers(pod).contains(on.name())) {
                throw EngineException.notFound("POD_NOT_FOUND", "Pod " + pod + " does not exist on array " + on.name()
                        + "; create the pod before protection group " + name + ".");
            }
            if (!pod.isEmpty() && !fabric.servingMembers(pod).contains(on.name())) {
                throw EngineException.unavailable("POD_OFFLINE", "Array " + on.name() + " does not serve pod " + pod
                        + " now.");
            }
            if (load(on, name) != null) {
                throw EngineException.alreadyExists("PROTECTION_GROUP_EXISTS", "Protection group " + name
                        + " already exists on array " + on.name() + ".");
            }
            Group g = new Group();
            g.name = name;
            g.local = true;
            g.pod = pod;
            g.source = pod.isEmpty() ? on.name() : pod;
            g.scheduleAnchorEpochMillis = clock.millis();
            save(on, g, null);
            return record(on, g);
        });
    }

    Optional<ProtectionGroupRecord> find(ReplicaStore on, String name) {
        return fabric.locked(() -> Optional.ofNullable(load(on, name)).map(g -> record(on, g)));
    }

    List<ProtectionGroupRecord> list(ReplicaStore on) {
        return fabric.locked(() -> on.loadMeta(GROUP, Group.class).stream().map(g -> record(on, g)).toList());
    }

    private ProtectionGroupRecord record(ReplicaStore on, Group g) {
        List<PgTargetRecord> targets = new ArrayList<>();
        if (g.local) {
            for (String t : g.targets) {
                boolean allowed = remoteAllowed(g, t);
                targets.add(new PgTargetRecord(t, allowed, !allowed ? "disallowed"
                        : fabric.contact(on.name(), t) ? "replicating" : "suspended"));
            }
        } else {
            targets.add(new PgTargetRecord(on.name(), g.allowed, g.allowed ? "replicating" : "disallowed"));
        }
        return new ProtectionGroupRecord(g.name, g.source, g.local, g.members, targets,
                g.schedule, g.sourceRetention, g.targetRetention);
    }

    private boolean remoteAllowed(Group g, String target) {
        ReplicaStore t = fabric.array(target);
        if (t.isStopped()) {
            return false;
        }
        Group remote = load(t, remoteName(g));
        return remote != null && remote.allowed;
    }

    ProtectionGroupRecord addTargets(ReplicaStore on, String name, List<String> targets) {
        return fabric.locked(() -> {
            Group g = localGroup(on, name);
            for (String t : targets) {
                ReplicaStore target = fabric.array(t);
                if (t.equals(on.name()) || fabric.podMembers(g.pod).contains(t)) {
                    throw EngineException.invalidArgument("TARGET_IS_SOURCE", "Array " + t + " cannot be a target of"
                            + " protection group " + name + ": it is the group's own array; replicate to another array.");
                }
                if (!fabric.contact(on.name(), t)) {
                    throw EngineException.unavailable("ARRAY_UNREACHABLE", "Target array " + t + " cannot be reached from "
                            + on.name() + "; restore the link or start the array, then retry.");
                }
                if (g.targets.size() >= 4 && !g.targets.contains(t)) {
                    throw EngineException.failedPrecondition("TARGET_LIMIT", "Protection group " + name
                            + " already has 4 targets (limit reached).");
                }
                String remote = remoteName(g);
                if (load(target, remote) == null) {
                    Group r = new Group();
                    r.name = remote;
                    r.source = g.source;
                    r.local = false;
                    r.targetRetention = g.targetRetention;
                    target.putMeta(Map.of(GROUP + remote, SimStore.toJson(r)));
                }
                if (!g.targets.contains(t)) {
                    g.targets.add(t);
                }
            }
            save(on, g, null);
            return record(on, g);
        });
    }

    ProtectionGroupRecord removeTargets(ReplicaStore on, String name, List<String> targets) {
        return fabric.locked(() -> {
            Group g = localGroup(on, name);
            for (String t : targets) {
                if (!g.targets.contains(t)) {
                    throw EngineException.notFound("PG_TARGET_NOT_FOUND", "Array " + t + " is not a target of "
                            + "protection group " + name + " (it does not exist there).");
                }
            }
            g.targets.removeAll(targets);
            targets.forEach(g.progress::remove);
            save(on, g, null);
            return record(on, g);
        });
    }

    ProtectionGroupRecord allow(ReplicaStore on, String remoteName, boolean allowed) {
        return fabric.locked(() -> {
            Group r = load(on, remoteName);
            if (r == null || r.local) {
                throw EngineException.notFound("PROTECTION_GROUP_NOT_FOUND", "Array " + on.name()
                        + " has no replicated protection group " + remoteName + "; add this array as a target on the"
                        + " source first.");
            }
            r.allowed = allowed;
            on.putMeta(Map.of(GROUP + remoteName, SimStore.toJson(r)));
            return record(on, r);
        });
    }

    ProtectionGroupRecord members(ReplicaStore on, String name, List<String> volumes, boolean add) {
        return fabric.locked(() -> {
            Group g = localGroup(on, name);
            for (String v : volumes) {
                if (add) {
                    if (on.findVolume(v).filter(r -> !r.destroyed()).isEmpty()) {
                        throw EngineException.notFound("VOLUME_NOT_FOUND", "Volume " + v + " does not exist on "
                                + on.name() + "; create it before adding it to protection group " + name + ".");
                    }
                    if (!Names.podOfObject(v).equals(g.pod)) {
                        throw EngineException.invalidArgument("MEMBER_OUTSIDE_POD", "Volume " + v + " cannot join "
                                + name + ": a group's members live in the same pod as the group ('" + g.pod + "').");
                    }
                    if (!g.members.contains(v)) {
                        g.members.add(v);
                    }
                } else {
                    g.members.remove(v);
                }
            }
            save(on, g, null);
            return record(on, g);
        });
    }

    ProtectionGroupRecord schedule(ReplicaStore on, String name, ReplicationSchedule schedule) {
        return fabric.locked(() -> {
            Group g = localGroup(on, name);
            g.schedule = schedule;
            g.scheduleAnchorEpochMillis = clock.millis();
            save(on, g, null);
            return record(on, g);
        });
    }

    ProtectionGroupRecord retention(ReplicaStore on, String name, RetentionPolicy source, RetentionPolicy target) {
        return fabric.locked(() -> {
            Group g = localGroup(on, name);
            if (source != null) {
                g.sourceRetention = source;
            }
            if (target != null) {
                g.targetRetention = target;
            }
            save(on, g, null);
            return record(on, g);
        });
    }

    PgSnapshotRecord snapshotNow(ReplicaStore on, String name, String suffix, boolean replicateNow,
            boolean applyRetention) {
        if (suffix != null) {
            Names.checkSuffix(suffix);
        }
        return fabric.locked(() -> {
            Group g = localGroup(on, name);
            if (suffix != null && on.getMeta(SNAP + name + "." + suffix, GroupSnapshot.class) != null) {
                throw EngineException.alreadyExists("PG_SNAPSHOT_EXISTS", "Protection group snapshot " + name + "."
                        + suffix + " already exists on array " + on.name() + "; choose another suffix.");
            }
            GroupSnapshot s = take(on, g, applyRetention, suffix);
            if (replicateNow) {
                for (String t : g.targets) {
                    ship(on, load(on, name), t);
                }
            }
            return record(s);
        });
    }

    List<PgSnapshotRecord> snapshots(ReplicaStore on, String name) {
        return fabric.locked(() -> {
            if (load(on, name) == null) {
                throw EngineException.notFound("PROTECTION_GROUP_NOT_FOUND", "Protection group " + name
                        + " does not exist on array " + on.name() + ".");
            }
            return snapshotsOf(on, name).stream().map(ProtectionGroups::record).toList();
        });
    }

    /** A source group's outgoing transfers, or the snapshots a replica group received; newest first. */
    List<PgTransferRecord> transfers(ReplicaStore on, String name) {
        return fabric.locked(() -> {
            Group g = load(on, name);
            if (g == null) {
                throw EngineException.notFound("PROTECTION_GROUP_NOT_FOUND", "Protection group " + name
                        + " does not exist on array " + on.name() + ".");
            }
            List<PgTransferRecord> out = new ArrayList<>();
            if (g.local) {
                out.addAll(g.transfers);
            } else {
                // A replica arrives whole (one batch), so every snapshot present is complete.
                for (GroupSnapshot s : snapshotsOf(on, name)) {
                    long started = s.transferStartedEpochMillis == 0 ? s.createdEpochMillis : s.transferStartedEpochMillis;
                    out.add(new PgTransferRecord(s.name, on.name(), started,
                            Math.max(started, s.transferCompletedEpochMillis), 1.0, s.dataTransferred,
                            s.physicalBytesWritten));
                }
            }
            java.util.Collections.reverse(out);
            return out;
        });
    }

    void destroy(ReplicaStore on, String name) {
        fabric.locked(() -> {
            Group g = localGroup(on, name);
            List<String> objects = new ArrayList<>();
            Map<String, byte[]> meta = new HashMap<>();
            for (GroupSnapshot s : snapshotsOf(on, name)) {
                objects.addAll(s.volumeSnapshots);
                meta.put(SNAP + s.name, null);
            }
            meta.put(GROUP + name, null);
            on.removeObjects(objects, meta);
            for (ReplicaStore peer : podPeers(on, g)) {
                peer.removeObjects(objects, meta);
            }
            return null;
        });
    }

    private static PgSnapshotRecord record(GroupSnapshot s) {
        return new PgSnapshotRecord(s.name, s.group, s.createdEpochMillis, s.volumeSnapshots, s.destroyed,
                s.destroyedEpochMillis);
    }

    /** Destroys or recovers a group snapshot (local, in a pod, or a replica on a target) with its volume snapshots. */
    PgSnapshotRecord setSnapshotDestroyed(ReplicaStore on, String name, boolean destroyed) {
        return fabric.locked(() -> {
            GroupSnapshot s = existingSnapshot(on, name);
            if (s.destroyed == destroyed) {
                if (destroyed) {
                    throw EngineException.failedPrecondition("DESTROYED", "Protection group snapshot " + name
                            + " has been destroyed; recover or eradicate it.");
                }
                return record(s);
            }
            s.destroyed = destroyed;
            s.destroyedEpochMillis = destroyed ? clock.millis() : 0;
            Map<String, byte[]> meta = Map.of(SNAP + s.name, SimStore.toJson(s));
            on.setSnapshotsDestroyed(s.volumeSnapshots, destroyed, meta);
            for (ReplicaStore peer : snapshotPeers(on, s)) {
                peer.setSnapshotsDestroyed(s.volumeSnapshots, destroyed, meta);
            }
            return record(s);
        });
    }

    void eradicateSnapshot(ReplicaStore on, String name) {
        fabric.locked(() -> {
            GroupSnapshot s = existingSnapshot(on, name);
            if (!s.destroyed) {
                throw EngineException.failedPrecondition("NOT_DESTROYED", "Protection group snapshot " + name
                        + " is not destroyed; destroy it before eradicating it.");
            }
            eradicate(on, List.of(s), List.of(s.name), snapshotPeers(on, s));
            return null;
        });
    }

    private static GroupSnapshot existingSnapshot(ReplicaStore on, String name) {
        GroupSnapshot s = on.getMeta(SNAP + name, GroupSnapshot.class);
        if (s == null) {
            throw EngineException.notFound("PG_SNAPSHOT_NOT_FOUND", "Protection group snapshot " + name
                    + " does not exist on array " + on.name() + ".");
        }
        return s;
    }

    /** The other serving arrays of the snapshot's pod, for a local group in a pod. */
    private List<ReplicaStore> snapshotPeers(ReplicaStore on, GroupSnapshot s) {
        Group g = load(on, s.group);
        return g == null || !g.local ? List.of() : podPeers(on, g);
    }

    /** Destroyed group snapshots past the eradication delay go, with their volume snapshots. */
    private void eradicateExpired(ReplicaStore on, String group, long now) {
        long cutoff = now - on.eradicationDelay().toMillis();
        List<GroupSnapshot> all = snapshotsOf(on, group);
        List<String> expired = all.stream().filter(s -> s.destroyed && s.destroyedEpochMillis <= cutoff)
                .map(s -> s.name).toList();
        eradicate(on, all, expired, List.of());
    }

    // --- pods ----------------------------------------------------------------------------------

    boolean hasPodGroups(ReplicaStore on, String pod) {
        return on.loadMeta(GROUP, Group.class).stream().anyMatch(g -> g.local && pod.equals(g.pod));
    }

    /** Copies the pod's groups and group-snapshot records (their volume snapshots are pod objects). */
    void copyPodGroups(ReplicaStore from, ReplicaStore to, String pod) {
        Map<String, byte[]> meta = new HashMap<>();
        for (Group g : from.loadMeta(GROUP, Group.class)) {
            if (g.local && pod.equals(g.pod)) {
                meta.put(GROUP + g.name, SimStore.toJson(g));
                for (GroupSnapshot s : snapshotsOf(from, g.name)) {
                    meta.put(SNAP + s.name, SimStore.toJson(s));
                }
            }
        }
        for (Group g : to.loadMeta(GROUP, Group.class)) {
            if (g.local && pod.equals(g.pod)) {
                meta.putIfAbsent(GROUP + g.name, null);
                for (GroupSnapshot s : snapshotsOf(to, g.name)) {
                    meta.putIfAbsent(SNAP + s.name, null);
                }
            }
        }
        if (!meta.isEmpty()) {
            to.putMeta(meta);
        }
    }

    Map<String, byte[]> dropPodGroupsMeta(ReplicaStore on, String pod) {
        Map<String, byte[]> meta = new HashMap<>();
        for (Group g : on.loadMeta(GROUP, Group.class)) {
            if (g.local && pod.equals(g.pod)) {
                meta.put(GROUP + g.name, null);
                for (GroupSnapshot s : snapshotsOf(on, g.name)) {
                    meta.put(SNAP + s.name, null);
                }
            }
        }
        return meta;
    }

    // --- snapshots and transfers ---------------------------------------------------------------

    /** Snapshots every member at one instant, as {@code <pg>.<N>} with {@code <pg>.<N>.<volume>}. */
    private GroupSnapshot take(ReplicaStore on, Group g, boolean applyRetention, String suffix) {
        GroupSnapshot s = new GroupSnapshot();
        // The number orders snapshots; a numbered name skips numbers a chosen suffix already took.
        while (suffix == null && on.getMeta(SNAP + g.name + "." + g.nextNumber, GroupSnapshot.class) != null) {
            g.nextNumber++;
        }
        s.number = g.nextNumber;
        s.name = g.name + "." + (suffix == null ? String.valueOf(s.number) : suffix);
        s.group = g.name;
        s.createdEpochMillis = clock.millis();
        s.applyRetention = applyRetention;
        Map<String, String> names = new LinkedHashMap<>();
        for (String v : g.members) {
            if (on.findVolume(v).filter(r -> !r.destroyed()).isPresent()) {
                names.put(v, ArrayNames.groupSnapshotVolumeName(s.name, v));
                s.volumeSnapshots.add(ArrayNames.groupSnapshotVolumeName(s.name, v));
            }
        }
        g.nextNumber++;
        Map<String, byte[]> meta = new LinkedHashMap<>();
        meta.put(SNAP + s.name, SimStore.toJson(s));
        meta.put(GROUP + g.name, SimStore.toJson(g));
        on.snapshotVolumes(names, s.name, meta);
        if (!g.pod.isEmpty()) {
            // A pod array that is not in sync gets these snapshots at resync.
            for (String m : fabric.podMembers(g.pod)) {
                if (!fabric.servingMembers(g.pod).contains(m)) {
                    for (String vs : s.volumeSnapshots) {
                        on.markDirty(g.pod, vs, -1);
                    }
                }
            }
        }
        for (ReplicaStore peer : podPeers(on, g)) {
            for (String vs : s.volumeSnapshots) {
                fabric.replicator().mirrorObject(on, peer, vs, null);
            }
            peer.putMeta(meta);
        }
        LOG.debug("{}: protection group snapshot {} ({} volumes)", on.name(), s.name, names.size());
        return s;
    }

    /**
     * Ships the group's newest snapshot to one target if the target allows the group, is reachable
     * and does not have it yet. Returns whether a transfer completed.
     */
    private boolean ship(ReplicaStore on, Group g, String targetName) {
        if (!fabric.contact(on.name(), targetName) || !remoteAllowed(g, targetName)) {
            return false;
        }
        List<GroupSnapshot> local = liveSnapshotsOf(on, g.name);
        if (local.isEmpty()) {
            return false;
        }
        GroupSnapshot newest = local.get(local.size() - 1);
        Progress p = g.progress.computeIfAbsent(targetName, k -> new Progress());
        if (newest.name.equals(p.lastSnapshot)) {
            return false;
        }
        ReplicaStore target = fabric.array(targetName);
        String remote = remoteName(g);
        String remoteSnap = remote + newest.name.substring(g.name.length());
        long started = clock.millis();
        Replicator.Traffic traffic = new Replicator.Traffic();
        if (target.getMeta(SNAP + remoteSnap, GroupSnapshot.class) == null) {
            List<GroupSnapshot> there = liveSnapshotsOf(target, remote);
            GroupSnapshot baseline = there.isEmpty() ? null : there.get(there.size() - 1);
            List<ObjectImage> images = new ArrayList<>();
            Map<ByteBuffer, byte[]> chunks = new HashMap<>();
            GroupSnapshot copy = new GroupSnapshot();
            copy.name = remoteSnap;
            copy.group = remote;
            copy.number = newest.number;
            copy.createdEpochMillis = newest.createdEpochMillis;
            copy.applyRetention = true;
            for (String vs : newest.volumeSnapshots) {
                String volume = vs.substring(newest.name.length() + 1);
                ObjectImage src = on.exportObject(vs, null);
                if (src == null) {
                    continue;
                }
                ObjectImage base = null;
                String baselineCopy = baseline == null ? null
                        : ArrayNames.groupSnapshotVolumeName(baseline.name, volume);
                if (baselineCopy != null && baseline.volumeSnapshots.contains(baselineCopy)) {
                    base = target.exportObject(baselineCopy, null);
                }
                chunks.putAll(fabric.replicator().changedChunks(on, target, src, base, traffic));
                Snapshot s = src.snapshot();
                String name = ArrayNames.groupSnapshotVolumeName(remoteSnap, volume);
                images.add(new ObjectImage(null, new Snapshot(name, UUID.randomUUID().toString(), null,
                        g.source + ":" + volume, remoteSnap, s.provisionedBytes(), false, newest.createdEpochMillis, 0,
                        false, 0, 0), src.entries()));
                copy.volumeSnapshots.add(name);
            }
            traffic.chargeBlocks();
            copy.transferStartedEpochMillis = started;
            copy.transferCompletedEpochMillis = clock.millis();
            copy.dataTransferred = traffic.logical;
            copy.physicalBytesWritten = traffic.wire;
            Group r = load(target, remote);
            r.targetRetention = g.targetRetention;
            Map<String, byte[]> meta = new LinkedHashMap<>();
            meta.put(SNAP + remoteSnap, SimStore.toJson(copy));
            meta.put(GROUP + remote, SimStore.toJson(r));
            target.importObjects(images, false, chunks, meta);
        }
        long now = clock.millis();
        p.lastSnapshot = newest.name;
        p.lastSnapshotCreated = newest.createdEpochMillis;
        p.lastCompleted = now;
        p.bytesSent += traffic.wire;
        p.logicalBytes += traffic.logical;
        g.transfers.add(new PgTransferRecord(newest.name, targetName, started, now, 1.0, traffic.logical, traffic.wire));
        while (g.transfers.size() > TRANSFERS_KEPT) {
            g.transfers.remove(0);
        }
        save(on, g, null);
        LOG.debug("{}: shipped {} to {} as {}: {} logical bytes, {} wire bytes", on.name(), newest.name, targetName,
                remoteSnap, traffic.logical, traffic.wire);
        return true;
    }

    // --- schedule and retention ----------------------------------------------------------------

    /** Scheduled snapshots, pending transfers and retention, on every running array. */
    void tick() {
        fabric.locked(() -> {
            long now = clock.millis();
            for (ReplicaStore on : fabric.arrays().values()) {
                if (!fabric.running(on.name())) {
                    continue;
                }
                for (Group g : on.loadMeta(GROUP, Group.class)) {
                    eradicateExpired(on, g.name, now);
                    if (!g.local) {
                        continue;
                    }
                    if (!g.pod.isEmpty()) {
                        List<String> serving = fabric.servingMembers(g.pod);
                        if (serving.isEmpty() || !serving.get(0).equals(on.name())) {
                            continue;
                        }
                    }
                    tickGroup(on, g, now);
                }
            }
            return null;
        });
    }

    private void tickGroup(ReplicaStore on, Group g, long now) {
        ReplicationSchedule sched = g.schedule;
        boolean blackout = sched.inBlackout(now);
        if (sched.enabled() && !blackout && now - g.scheduleAnchorEpochMillis >= sched.frequencyMs()) {
            g.scheduleAnchorEpochMillis = now;
            take(on, g, true, null);
        }
        if (!blackout) {
            for (String t : g.targets) {
                ship(on, load(on, g.name), t);
            }
        }
        Group current = load(on, g.name);
        applySourceRetention(on, current, now);
        for (String t : current.targets) {
            if (fabric.running(t)) {
                applyTargetRetention(fabric.array(t), remoteName(current), current.targetRetention, now);
            }
        }
    }

    private void applySourceRetention(ReplicaStore on, Group g, long now) {
        List<GroupSnapshot> all = liveSnapshotsOf(on, g.name);
        if (all.isEmpty()) {
            return;
        }
        GroupSnapshot newest = all.get(all.size() - 1);
        // The newest snapshot is kept until every reachable, allowed target has it (pending transfer).
        boolean pending = g.targets.stream().anyMatch(t -> fabric.contact(on.name(), t) && remoteAllowed(g, t)
                && !newest.name.equals(g.progress.getOrDefault(t, new Progress()).lastSnapshot));
        List<Retention.Item> items = new ArrayList<>();
        for (GroupSnapshot s : all) {
            if (s.applyRetention && !(pending && s == newest)) {
                items.add(new Retention.Item(s.name, s.createdEpochMillis));
            }
        }
        eradicate(on, all, Retention.expired(items, g.sourceRetention, now), podPeers(on, g));
    }

    private void applyTargetRetention(ReplicaStore target, String remote, RetentionPolicy policy, long now) {
        List<GroupSnapshot> all = liveSnapshotsOf(target, remote);
        if (all.size() <= 1) {
            return;
        }
        // The newest copy stays: it is the baseline of the next transfer.
        List<Retention.Item> items = new ArrayList<>();
        for (GroupSnapshot s : all.subList(0, all.size() - 1)) {
            items.add(new Retention.Item(s.name, s.createdEpochMillis));
        }
        eradicate(target, all, Retention.expired(items, policy, now), List.of());
    }

    private void eradicate(ReplicaStore on, List<GroupSnapshot> all, List<String> expired,
            List<ReplicaStore> peers) {
        if (expired.isEmpty()) {
            return;
        }
        List<String> objects = new ArrayList<>();
        Map<String, byte[]> meta = new HashMap<>();
        for (GroupSnapshot s : all) {
            if (expired.contains(s.name)) {
                objects.addAll(s.volumeSnapshots);
                meta.put(SNAP + s.name, null);
            }
        }
        on.removeObjects(objects, meta);
        for (ReplicaStore peer : peers) {
            peer.removeObjects(objects, meta);
        }
        LOG.debug("{}: retention eradicated {}", on.name(), expired);
    }

    // --- status ------------------------------------------------------------------------------

    PgStatus status(ReplicaStore on, String name) {
        return fabric.locked(() -> {
            Group g = load(on, name);
            if (g == null || !g.local) {
                throw EngineException.notFound("PROTECTION_GROUP_NOT_FOUND", "Protection group " + name
                        + " does not exist on array " + on.name() + ".");
            }
            return status(on, g);
        });
    }

    private PgStatus status(ReplicaStore on, Group g) {
        long now = clock.millis();
        List<PgStatus.Target> targets = new ArrayList<>();
        for (String t : g.targets) {
            Progress p = g.progress.getOrDefault(t, new Progress());
            int there = fabric.running(t) ? snapshotsOf(fabric.array(t), remoteName(g)).size() : 0;
            targets.add(new PgStatus.Target(t, remoteAllowed(g, t), fabric.contact(on.name(), t), p.lastSnapshot,
                    p.lastCompleted, p.lastSnapshot == null ? -1 : now - p.lastSnapshotCreated, p.bytesSent,
                    p.logicalBytes, there));
        }
        return new PgStatus(g.name, on.name(), g.members, g.schedule, snapshotsOf(on, g.name).size(), targets);
    }

    List<PgStatus> statuses() {
        return fabric.locked(() -> {
            List<PgStatus> out = new ArrayList<>();
            for (ReplicaStore on : fabric.arrays().values()) {
                if (!fabric.running(on.name())) {
                    continue;
                }
                for (Group g : on.loadMeta(GROUP, Group.class)) {
                    if (g.local && (g.pod.isEmpty() || fabric.servingMembers(g.pod).stream().findFirst()
                            .map(on.name()::equals).orElse(false))) {
                        out.add(status(on, g));
                    }
                }
            }
            return out;
        });
    }
}
