package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayConnector;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.PgSnapshotRecord;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DR drill for one backend and one replication target: test copies of every replicated volume
 * the target holds, from the newest replicated snapshots (and, on the pod's other array, from the
 * live pod volumes, RPO 0), under names no production volume can have ({@code drtest-...}). Only snapshots are read and new volumes written on the target;
 * replication, the primary and the production volumes are not touched. Stateless: status and stop
 * find the copies on the array by name and by the replicated snapshot they were made from.
 */
public final class DrTest {
    public static final String PREFIX = "drtest-";
    private static final Logger LOG = LoggerFactory.getLogger(DrTest.class);

    private final BackendOptions options;
    private final ArrayConnector connector;
    private final String primaryName;

    DrTest(BackendOptions options, ArrayConnector connector, String primaryName) {
        this.options = options;
        this.connector = connector;
        this.primaryName = primaryName;
    }

    /** The drill copy's name for a production array volume name. */
    static String copyName(String productionName) {
        String pod = PurityNames.podOf(productionName);
        String base = pod == null ? productionName : productionName.substring(pod.length() + 2);
        int room = PurityNames.MAX_VOLUME_NAME - PREFIX.length();
        return PREFIX + (base.length() > room ? base.substring(base.length() - room) : base);
    }

    /**
     * Makes (or remakes, from the newest snapshots) a test copy of every replicated volume.
     *
     * @throws EngineException FAILED_PRECONDITION when the target holds no replicated snapshot
     */
    public List<DrTestCopy> start(String targetId, String apiToken) {
        Target t = target(targetId, apiToken);
        Map<String, ReplicaSnapshots.Copy> newest = new LinkedHashMap<>();
        for (String group : remoteGroups()) {
            newest.putAll(ReplicaSnapshots.of(t.replication(), group).all());
        }
        // On the pod's other array, sync volumes are copied from the live pod copy (RPO 0).
        List<String> podVolumes = t.sync() ? podVolumes(t) : List.of();
        if (newest.isEmpty() && podVolumes.isEmpty()) {
            throw EngineException.failedPrecondition("NO_REPLICATED_SNAPSHOT", "DR test of backend "
                    + options.backendName() + " on '" + targetId + "': " + t.name() + " holds no replicated snapshot"
                    + " of " + remoteGroups() + " yet; wait for the first transfer (or replicate now).");
        }
        removeCopies(t, existingCopies(t));
        List<VolumeCopies.Copy> copies = new ArrayList<>();
        newest.forEach((volume, copy) -> copies.add(new VolumeCopies.Copy(copy.snapshotName(), copyName(volume))));
        podVolumes.forEach(volume -> copies.add(new VolumeCopies.Copy(volume, copyName(volume))));
        Map<String, EngineException> failures = VolumeCopies.run(t.array(), copies);
        failures.forEach((name, e) -> LOG.warn("{}: DR test copy {} on {} failed: {}", options.backendName(), name,
                t.name(), e.getMessage()));
        List<DrTestCopy> made = status(t);
        LOG.info("{}: DR test started on '{}' ({}): {} copies, {} failed", options.backendName(), targetId, t.name(),
                made.size(), failures.size());
        return made;
    }

    public List<DrTestCopy> status(String targetId, String apiToken) {
        return status(target(targetId, apiToken));
    }

    /** Destroys and eradicates every test copy; returns their names. */
    public List<String> stop(String targetId, String apiToken) {
        Target t = target(targetId, apiToken);
        List<String> names = existingCopies(t).stream().map(VolumeRecord::name).toList();
        removeCopies(t, existingCopies(t));
        LOG.info("{}: DR test stopped on '{}' ({}): {} copies removed", options.backendName(), targetId, t.name(),
                names.size());
        return names;
    }

    private List<DrTestCopy> status(Target t) {
        Map<String, Long> takenBySnapshot = new HashMap<>();
        for (String group : remoteGroups()) {
            for (PgSnapshotRecord snap : listSnapshots(t, group)) {
                snap.volumeSnapshots().forEach(v -> takenBySnapshot.put(v, snap.createdEpochMillis()));
            }
        }
        List<DrTestCopy> out = new ArrayList<>();
        for (VolumeRecord v : existingCopies(t)) {
            String snapshot = v.sourceName();
            if (snapshot.startsWith(podPrefix())) {
                // Copied from the live pod volume, which holds every acknowledged write.
                out.add(new DrTestCopy(v.name(), snapshot, snapshot, v.createdEpochMillis(), v.createdEpochMillis(), 0));
                continue;
            }
            long asOf = takenBySnapshot.getOrDefault(snapshot, 0L);
            String source = snapshot.substring(snapshot.lastIndexOf('.') + 1);
            int podSep = snapshot.indexOf("::");
            if (podSep > 0) {
                // <pod>:<pg>.<N>.<pod>::<volume>: the volume part holds the '::'.
                String head = snapshot.substring(0, podSep);
                source = head.substring(head.lastIndexOf('.') + 1) + snapshot.substring(podSep);
            }
            out.add(new DrTestCopy(v.name(), source, snapshot, asOf, v.createdEpochMillis(),
                    asOf == 0 ? -1 : Math.max(0, v.createdEpochMillis() - asOf)));
        }
        return out;
    }

    /** Live volumes named drtest-... made from one of this backend's replicated snapshots. */
    private List<VolumeRecord> existingCopies(Target t) {
        List<String> prefixes = new ArrayList<>(remoteGroups().stream().map(g -> g + ".").toList());
        if (t.sync()) {
            prefixes.add(podPrefix());
        }
        return t.array().listVolumes().stream()
                .filter(v -> !v.destroyed() && v.name().startsWith(PREFIX) && v.sourceName() != null
                        && prefixes.stream().anyMatch(p -> v.sourceName().startsWith(p)))
                .toList();
    }

    private void removeCopies(Target t, List<VolumeRecord> copies) {
        for (VolumeRecord v : copies) {
            try {
                t.array().destroyVolume(v.name());
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.FAILED_PRECONDITION) {
                    throw e;
                }
            }
            try {
                t.array().eradicateVolume(v.name());
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    private String podPrefix() {
        return options.replicationPodName() + "::";
    }

    /** Live volumes of the backend's pod on the target, when the pod serves there. */
    private List<String> podVolumes(Target t) {
        boolean serving = t.replication().findPod(options.replicationPodName())
                .flatMap(p -> p.arrays().stream().filter(a -> a.arrayName().equals(t.name())).findFirst())
                .map(a -> io.purebridge.engine.array.PodArrayStatus.ONLINE.equals(a.status())).orElse(false);
        if (!serving) {
            LOG.warn("{}: pod {} does not serve on {} now; its volumes are left out of the DR test",
                    options.backendName(), options.replicationPodName(), t.name());
            return List.of();
        }
        return t.array().listVolumes().stream()
                .filter(v -> !v.destroyed() && v.name().startsWith(podPrefix())).map(VolumeRecord::name).toList();
    }

    private List<String> remoteGroups() {
        List<String> groups = new ArrayList<>();
        if (primaryName != null) {
            groups.add(ReplicationSetup.remoteGroupName(primaryName, options.replicationPgName()));
        }
        if (options.trisyncEnabled()) {
            groups.add(ReplicationSetup.remoteGroupName(primaryName, ReplicationSetup.trisyncGroup(options)));
        }
        return groups;
    }

    private static List<PgSnapshotRecord> listSnapshots(Target t, String group) {
        try {
            return t.replication().listProtectionGroupSnapshots(group);
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    private record Target(FlashArray array, String name, ReplicationArray replication, boolean sync) {
    }

    /** The target by backend_id, after checking the caller holds its API token. */
    private Target target(String targetId, String apiToken) {
        ReplicationTarget device = options.target(targetId).orElseThrow(() -> EngineException.invalidArgument(
                "UNKNOWN_REPLICATION_TARGET", "Backend " + options.backendName() + " has no replication_device '"
                        + targetId + "'; it has " + options.replicationTargets().stream()
                                .map(ReplicationTarget::backendId).toList() + "."));
        byte[] given = (apiToken == null ? "" : apiToken).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, device.apiToken().getBytes(StandardCharsets.UTF_8))) {
            throw new EngineException(ErrorCode.UNAUTHENTICATED, "INVALID_API_TOKEN", "The API token given for '"
                    + targetId + "' is not the one in backend " + options.backendName() + "'s replication_device.");
        }
        if (options.activeBackendId() != null && options.activeBackendId().equals(targetId)) {
            throw EngineException.failedPrecondition("TARGET_IS_ACTIVE", "Backend " + options.backendName()
                    + " is failed over to '" + targetId + "': its volumes are production there now; a drill makes"
                    + " no sense until failback.");
        }
        FlashArray array = connector.connect(device.endpoint());
        if (!(array instanceof ReplicationArray replication)) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_BUILT", "'" + targetId
                    + "' does not replicate through this purebridge build.");
        }
        return new Target(array, array.arrayInfo().name(), replication, device.type() == ReplicationType.SYNC);
    }
}
