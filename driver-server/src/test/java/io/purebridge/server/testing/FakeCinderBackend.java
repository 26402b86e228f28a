package io.purebridge.server.testing;

import io.purebridge.engine.cinder.BackendStats;
import io.purebridge.engine.cinder.CinderBackend;
import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.ConnectionProperties;
import io.purebridge.engine.cinder.HostConnector;
import io.purebridge.engine.cinder.ProviderUpdate;
import io.purebridge.engine.cinder.ProviderUpdates;
import io.purebridge.engine.cinder.SnapshotModelUpdate;
import io.purebridge.engine.cinder.VolumeModelUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend that records every call and answers from its inputs (so a test can see request fields
 * reach the engine and response fields come back). {@link #failWith} makes the next call throw.
 */
public final class FakeCinderBackend implements CinderBackend {

    /** One recorded engine call. */
    public record Call(String method, List<Object> args) {
    }

    private final String backendName;
    private final List<Call> calls = new ArrayList<>();
    private RuntimeException failure;
    private ConnectionProperties connection;
    private Optional<ConnectionProperties> terminateAnswer = Optional.empty();
    private BackendStats stats;

    public FakeCinderBackend(String backendName) {
        this.backendName = backendName;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized Call lastCall() {
        return calls.get(calls.size() - 1);
    }

    /** The next call throws {@code next} (once). */
    public synchronized void failWith(RuntimeException next) {
        this.failure = next;
    }

    public synchronized void answerConnection(ConnectionProperties properties) {
        this.connection = properties;
    }

    public synchronized void answerTerminate(Optional<ConnectionProperties> properties) {
        this.terminateAnswer = properties;
    }

    public synchronized void answerStats(BackendStats backendStats) {
        this.stats = backendStats;
    }

    private synchronized void record(String method, Object... args) {
        calls.add(new Call(method, List.of(args)));
        if (failure != null) {
            RuntimeException next = failure;
            failure = null;
            throw next;
        }
    }

    /** provider_id the fake gives a volume: its name + "-cinder", as upstream names them. */
    public static String arrayName(CinderVolume volume) {
        return volume.name() + "-cinder";
    }

    private static VolumeModelUpdate update(CinderVolume volume, String source) {
        return new VolumeModelUpdate(arrayName(volume), "disabled",
                Map.of("array_volume_name", arrayName(volume), "source", source,
                        "size_gib", Long.toString(volume.sizeGib())));
    }

    private static SnapshotModelUpdate update(CinderSnapshot snapshot, String source) {
        String name = arrayName(snapshot.volume()) + "." + snapshot.name();
        return new SnapshotModelUpdate(name, Map.of("array_snapshot_name", name, "source", source));
    }

    @Override
    public String backendName() {
        return backendName;
    }

    @Override
    public VolumeModelUpdate createVolume(CinderVolume volume) {
        record("createVolume", volume);
        return update(volume, "new");
    }

    @Override
    public void deleteVolume(CinderVolume volume) {
        record("deleteVolume", volume);
    }

    @Override
    public void extendVolume(CinderVolume volume, long newSizeGib) {
        record("extendVolume", volume, newSizeGib);
    }

    @Override
    public VolumeModelUpdate createVolumeFromSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        record("createVolumeFromSnapshot", volume, snapshot);
        return update(volume, snapshot.name());
    }

    @Override
    public VolumeModelUpdate createClonedVolume(CinderVolume volume, CinderVolume source) {
        record("createClonedVolume", volume, source);
        return update(volume, source.name());
    }

    @Override
    public VolumeModelUpdate retype(CinderVolume volume, Map<String, String> newExtraSpecs) {
        record("retype", volume, newExtraSpecs);
        return update(volume, "retype:" + newExtraSpecs.getOrDefault("replication_type", "none"));
    }

    @Override
    public void revertToSnapshot(CinderVolume volume, CinderSnapshot snapshot) {
        record("revertToSnapshot", volume, snapshot);
    }

    @Override
    public SnapshotModelUpdate createSnapshot(CinderSnapshot snapshot) {
        record("createSnapshot", snapshot);
        return update(snapshot, "new");
    }

    @Override
    public void deleteSnapshot(CinderSnapshot snapshot) {
        record("deleteSnapshot", snapshot);
    }

    @Override
    public ConnectionProperties initializeConnection(CinderVolume volume, HostConnector connector) {
        record("initializeConnection", volume, connector);
        return connection;
    }

    @Override
    public Optional<ConnectionProperties> terminateConnection(CinderVolume volume, Optional<HostConnector> connector) {
        record("terminateConnection", volume, connector);
        return terminateAnswer;
    }

    @Override
    public BackendStats volumeStats() {
        record("volumeStats");
        return stats;
    }

    @Override
    public VolumeModelUpdate manageExisting(CinderVolume volume, String sourceName) {
        record("manageExisting", volume, sourceName);
        return update(volume, sourceName);
    }

    @Override
    public long manageExistingGetSize(String sourceName) {
        record("manageExistingGetSize", sourceName);
        return sourceName.length();
    }

    @Override
    public void unmanage(CinderVolume volume) {
        record("unmanage", volume);
    }

    @Override
    public SnapshotModelUpdate manageExistingSnapshot(CinderSnapshot snapshot, String sourceName) {
        record("manageExistingSnapshot", snapshot, sourceName);
        return update(snapshot, sourceName);
    }

    @Override
    public long manageExistingSnapshotGetSize(String sourceName) {
        record("manageExistingSnapshotGetSize", sourceName);
        return sourceName.length() * 2L;
    }

    @Override
    public void unmanageSnapshot(CinderSnapshot snapshot) {
        record("unmanageSnapshot", snapshot);
    }

    @Override
    public ProviderUpdates updateProviderInfo(List<CinderVolume> volumes, List<CinderSnapshot> snapshots) {
        record("updateProviderInfo", volumes, snapshots);
        List<ProviderUpdate> volumeUpdates = new ArrayList<>();
        for (CinderVolume volume : volumes) {
            if (volume.providerId().isEmpty()) {
                volumeUpdates.add(new ProviderUpdate(volume.id(), arrayName(volume), Map.of("array_name", "fake")));
            }
        }
        List<ProviderUpdate> snapshotUpdates = new ArrayList<>();
        for (CinderSnapshot snapshot : snapshots) {
            if (snapshot.providerId().isEmpty()) {
                snapshotUpdates.add(new ProviderUpdate(snapshot.id(),
                        arrayName(snapshot.volume()) + "." + snapshot.name(), Map.of()));
            }
        }
        return new ProviderUpdates(volumeUpdates, snapshotUpdates);
    }
}
