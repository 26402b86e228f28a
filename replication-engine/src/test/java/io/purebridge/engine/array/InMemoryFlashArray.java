package io.purebridge.engine.array;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A hand-written, in-memory {@link FlashArray} for tests: no data, no persistence, but the SPI's
 * error semantics, kept honest by {@code InMemoryFlashArrayContractTest} (ALREADY_EXISTS, NOT_FOUND;
 * a destroyed name blocks creation with ALREADY_EXISTS {@code DESTROYED} and other use with
 * FAILED_PRECONDITION {@code DESTROYED}; FlashArray name, size, initiator, personality and CHAP
 * rules; destroy refused while connected; lowest free LUN from 1).
 *
 * <p>Content is modelled as a tag per volume and snapshot so tests can check what a copy or revert
 * moved: {@link #writeContent} sets it, copies carry it over.
 *
 * <p>Extras for tests: {@link #setSpace}, {@link #setPorts}, {@link #failNext}, {@link #beforeNext} and
 * {@link #setUnavailable}. Thread-safe (one lock).
 */
public final class InMemoryFlashArray implements FlashArray {
    public static final String DESTROYED = "DESTROYED";
    private static final long MAX_PROVISIONED = 4_503_599_627_370_496L;
    private static final Pattern VOLUME_PART = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Set<String> PERSONALITIES = Set.of("aix", "esxi", "hitachi-vsp", "hpux",
            "oracle-vm-server", "solaris", "vms", "nutanix-mgmt", "nutanix-cluster");

    private final ArrayInfo info;
    private final long capacityBytes;
    private final int seed;
    private final Map<String, VolumeRecord> volumes = new TreeMap<>();
    private final Map<String, SnapshotRecord> snapshots = new TreeMap<>();
    private final Map<String, HostRecord> hosts = new TreeMap<>();
    private final List<ConnectionRecord> connections = new ArrayList<>();
    private final Map<String, String> contents = new HashMap<>();
    private final Map<String, EngineException> failures = new HashMap<>();
    private final Map<String, Runnable> hooks = new HashMap<>();
    private List<PortRecord> ports;
    private ArraySpace spaceOverride;
    private boolean unavailable;
    private long counter;
    private long clock = 1_700_000_000_000L;

    public InMemoryFlashArray(String name) {
        this(name, 10L << 40);
    }

    public InMemoryFlashArray(String name, long capacityBytes) {
        this.seed = name.hashCode() & 0x7fffffff;
        this.info = new ArrayInfo(name, UUID.nameUUIDFromBytes(name.getBytes()).toString(), "6.6.10");
        this.capacityBytes = capacityBytes;
        this.ports = defaultPorts(name, seed);
    }

    // --- test controls ------------------------------------------------------------------------

    /** Replaces what {@link #space()} reports; null goes back to the computed space. */
    public synchronized void setSpace(ArraySpace space) {
        this.spaceOverride = space;
    }

    public synchronized void setPorts(List<PortRecord> newPorts) {
        this.ports = List.copyOf(newPorts);
    }

    /** The next call of {@code operation} (a method name, e.g. "connect") throws this once. */
    public synchronized void failNext(String operation, EngineException failure) {
        failures.put(operation, failure);
    }

    /**
     * Runs {@code action} once just before the next call of {@code operation}, as if another client
     * got there first (races: a concurrent create, a host deleted meanwhile).
     */
    public synchronized void beforeNext(String operation, Runnable action) {
        hooks.put(operation, action);
    }

    /** While set, every call fails with UNAVAILABLE. */
    public synchronized void setUnavailable(boolean down) {
        this.unavailable = down;
    }

    public synchronized void writeContent(String volumeName, String tag) {
        liveVolume(volumeName);
        contents.put(volumeName, tag);
    }

    /** The content tag of a volume or snapshot: "" for never written. */
    public synchronized String content(String name) {
        return contents.getOrDefault(name, "");
    }

    // --- FlashArray ---------------------------------------------------------------------------

    @Override
    public synchronized ArrayInfo arrayInfo() {
        check("arrayInfo");
        return info;
    }

    @Override
    public synchronized ArraySpace space() {
        check("space");
        if (spaceOverride != null) {
            return spaceOverride;
        }
        long provisioned = volumes.values().stream().filter(v -> !v.destroyed())
                .mapToLong(VolumeRecord::provisionedBytes).sum();
        return new ArraySpace(capacityBytes, 0, provisioned, 0, 0, 1.0, 1.0);
    }

    @Override
    public synchronized VolumeRecord createVolume(String name, long provisionedBytes) {
        check("createVolume");
        validateVolumeName(name);
        requireValidSize(provisionedBytes);
        requireFreeVolumeName(name);
        VolumeRecord volume = newVolume(name, provisionedBytes, null);
        contents.put(name, "");
        return volume;
    }

    @Override
    public synchronized VolumeRecord copyVolume(String sourceName, String targetName, boolean overwrite) {
        check("copyVolume");
        long sourceSize;
        VolumeRecord sourceVolume = volumes.get(sourceName);
        if (sourceVolume != null) {
            requireLive(sourceVolume.destroyed(), "volume", sourceName);
            sourceSize = sourceVolume.provisionedBytes();
        } else {
            SnapshotRecord snapshot = snapshots.get(sourceName);
            if (snapshot == null) {
                throw notFound("volume or snapshot", sourceName);
            }
            requireLive(snapshot.destroyed(), "snapshot", sourceName);
            sourceSize = snapshot.provisionedBytes();
        }
        VolumeRecord copy;
        if (overwrite && volumes.containsKey(targetName)) {
            VolumeRecord target = liveVolume(targetName);
            copy = new VolumeRecord(target.name(), target.id(), target.serial(), sourceSize, sourceName,
                    false, target.createdEpochMillis(), 0);
            volumes.put(targetName, copy);
        } else {
            validateVolumeName(targetName);
            requireFreeVolumeName(targetName);
            copy = newVolume(targetName, sourceSize, sourceName);
        }
        contents.put(targetName, contents.getOrDefault(sourceName, ""));
        return copy;
    }

    @Override
    public synchronized Optional<VolumeRecord> findVolume(String name) {
        check("findVolume");
        return Optional.ofNullable(volumes.get(name));
    }

    @Override
    public synchronized List<VolumeRecord> listVolumes() {
        check("listVolumes");
        return List.copyOf(volumes.values());
    }

    @Override
    public synchronized VolumeRecord resizeVolume(String name, long provisionedBytes, boolean truncate) {
        check("resizeVolume");
        VolumeRecord volume = liveVolume(name);
        requireValidSize(provisionedBytes);
        if (provisionedBytes < volume.provisionedBytes() && !truncate) {
            throw EngineException.outOfRange("SHRINK_NEEDS_TRUNCATE",
                    "Volume " + name + ": shrinking needs truncate.");
        }
        VolumeRecord resized = new VolumeRecord(name, volume.id(), volume.serial(), provisionedBytes,
                volume.sourceName(), false, volume.createdEpochMillis(), 0);
        volumes.put(name, resized);
        return resized;
    }

    @Override
    public synchronized VolumeRecord renameVolume(String name, String newName) {
        check("renameVolume");
        VolumeRecord volume = liveVolume(name);
        validateVolumeName(newName);
        requireFreeVolumeName(newName);
        volumes.remove(name);
        VolumeRecord renamed = new VolumeRecord(newName, volume.id(), volume.serial(), volume.provisionedBytes(),
                volume.sourceName(), false, volume.createdEpochMillis(), 0);
        volumes.put(newName, renamed);
        contents.put(newName, contents.remove(name));
        // Snapshot names follow their volume, as on Purity.
        for (SnapshotRecord snapshot : List.copyOf(snapshots.values())) {
            if (snapshot.sourceName().equals(name)) {
                snapshots.remove(snapshot.name());
                String snapName = newName + "." + snapshot.suffix();
                snapshots.put(snapName, new SnapshotRecord(snapName, snapshot.id(), snapshot.serial(), newName,
                        snapshot.suffix(), snapshot.provisionedBytes(), snapshot.destroyed(),
                        snapshot.createdEpochMillis(), snapshot.destroyedEpochMillis()));
                contents.put(snapName, contents.remove(snapshot.name()));
            }
        }
        connections.replaceAll(c -> c.volumeName().equals(name) ? new ConnectionRecord(c.hostName(), newName, c.lun()) : c);
        return renamed;
    }

    @Override
    public synchronized void destroyVolume(String name) {
        check("destroyVolume");
        VolumeRecord volume = liveVolume(name);
        if (connections.stream().anyMatch(c -> c.volumeName().equals(name))) {
            throw EngineException.failedPrecondition("HAS_CONNECTIONS",
                    "Volume " + name + " cannot be destroyed while connected to hosts; disconnect it first.");
        }
        long now = tick();
        volumes.put(name, withDestroyed(volume, true, now));
        for (SnapshotRecord snapshot : List.copyOf(snapshots.values())) {
            if (snapshot.sourceName().equals(name) && !snapshot.destroyed()) {
                snapshots.put(snapshot.name(), withDestroyed(snapshot, true, now));
            }
        }
    }

    @Override
    public synchronized VolumeRecord recoverVolume(String name) {
        check("recoverVolume");
        VolumeRecord volume = destroyedVolume(name);
        VolumeRecord recovered = withDestroyed(volume, false, 0);
        volumes.put(name, recovered);
        for (SnapshotRecord snapshot : List.copyOf(snapshots.values())) {
            if (snapshot.sourceName().equals(name) && snapshot.destroyedEpochMillis() == volume.destroyedEpochMillis()) {
                snapshots.put(snapshot.name(), withDestroyed(snapshot, false, 0));
            }
        }
        return recovered;
    }

    @Override
    public synchronized void eradicateVolume(String name) {
        check("eradicateVolume");
        destroyedVolume(name);
        volumes.remove(name);
        contents.remove(name);
        snapshots.values().removeIf(s -> s.sourceName().equals(name));
    }

    @Override
    public synchronized SnapshotRecord createSnapshot(String volumeName, String suffix) {
        check("createSnapshot");
        VolumeRecord volume = liveVolume(volumeName);
        if (suffix == null || !HOST_NAME.matcher(suffix.replace('_', '-')).matches()) {
            throw EngineException.invalidArgument("INVALID_NAME", "Snapshot suffix '" + suffix + "' is not valid.");
        }
        String name = volumeName + "." + suffix;
        SnapshotRecord existing = snapshots.get(name);
        if (existing != null) {
            if (existing.destroyed()) {
                throw EngineException.alreadyExists(DESTROYED, "Snapshot " + name
                        + " already exists and has been destroyed; eradicate it first.");
            }
            throw EngineException.alreadyExists("SNAPSHOT_EXISTS", "Snapshot " + name + " already exists.");
        }
        SnapshotRecord snapshot = new SnapshotRecord(name, nextId(), nextSerial(), volumeName, suffix,
                volume.provisionedBytes(), false, tick(), 0);
        snapshots.put(name, snapshot);
        contents.put(name, contents.getOrDefault(volumeName, ""));
        return snapshot;
    }

    @Override
    public synchronized Optional<SnapshotRecord> findSnapshot(String name) {
        check("findSnapshot");
        return Optional.ofNullable(snapshots.get(name));
    }

    @Override
    public synchronized List<SnapshotRecord> listSnapshots(String volumeName) {
        check("listSnapshots");
        return snapshots.values().stream()
                .filter(s -> volumeName == null || s.sourceName().equals(volumeName)).toList();
    }

    @Override
    public synchronized SnapshotRecord renameSnapshot(String name, String newName) {
        check("renameSnapshot");
        SnapshotRecord snapshot = liveSnapshot(name);
        int dot = newName.lastIndexOf('.');
        if (dot <= 0 || !newName.substring(0, dot).equals(snapshot.sourceName()) || dot == newName.length() - 1) {
            throw EngineException.invalidArgument("INVALID_NAME",
                    "Snapshot " + name + " can only be renamed to " + snapshot.sourceName() + ".<suffix>.");
        }
        if (snapshots.containsKey(newName)) {
            throw EngineException.alreadyExists("SNAPSHOT_EXISTS", "Snapshot " + newName + " already exists.");
        }
        snapshots.remove(name);
        SnapshotRecord renamed = new SnapshotRecord(newName, snapshot.id(), snapshot.serial(), snapshot.sourceName(),
                newName.substring(dot + 1), snapshot.provisionedBytes(), false, snapshot.createdEpochMillis(), 0);
        snapshots.put(newName, renamed);
        contents.put(newName, contents.remove(name));
        return renamed;
    }

    @Override
    public synchronized void destroySnapshot(String name) {
        check("destroySnapshot");
        SnapshotRecord snapshot = liveSnapshot(name);
        snapshots.put(name, withDestroyed(snapshot, true, tick()));
    }

    @Override
    public synchronized void eradicateSnapshot(String name) {
        check("eradicateSnapshot");
        SnapshotRecord snapshot = snapshots.get(name);
        if (snapshot == null) {
            throw notFound("snapshot", name);
        }
        if (!snapshot.destroyed()) {
            throw EngineException.failedPrecondition("NOT_DESTROYED",
                    "Snapshot " + name + " must be destroyed before it is eradicated.");
        }
        snapshots.remove(name);
        contents.remove(name);
    }

    @Override
    public synchronized HostRecord createHost(String name, List<String> iqns, List<String> wwns, List<String> nqns) {
        check("createHost");
        if (name == null || !HOST_NAME.matcher(name).matches()) {
            throw EngineException.invalidArgument("INVALID_HOST_NAME", "Host name '" + name
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit.");
        }
        for (String wwn : wwns) {
            if (!wwn.replace(":", "").matches("[0-9A-Fa-f]{16}")) {
                throw EngineException.invalidArgument("INVALID_WWN", "WWN '" + wwn
                        + "' is invalid: expected 16 hex digits, with or without colons.");
            }
        }
        if (hosts.containsKey(name)) {
            throw EngineException.alreadyExists("HOST_EXISTS", "Host " + name + " already exists.");
        }
        List<String> initiators = new ArrayList<>(iqns);
        initiators.addAll(wwns);
        initiators.addAll(nqns);
        for (String initiator : initiators) {
            if (hostByInitiator(initiator).isPresent()) {
                throw EngineException.alreadyExists("INITIATOR_IN_USE",
                        "Initiator " + initiator + " is already in use by another host.");
            }
        }
        List<String> upperWwns = wwns.stream().map(w -> w.replace(":", "").toUpperCase(Locale.ROOT)).toList();
        HostRecord host = new HostRecord(name, iqns, upperWwns, nqns, null, null, null, 0);
        hosts.put(name, host);
        return host;
    }

    @Override
    public synchronized Optional<HostRecord> findHost(String name) {
        check("findHost");
        return Optional.ofNullable(hosts.get(name)).map(this::withCount);
    }

    @Override
    public synchronized Optional<HostRecord> findHostByInitiator(String initiator) {
        check("findHostByInitiator");
        return hostByInitiator(initiator).map(this::withCount);
    }

    @Override
    public synchronized List<HostRecord> listHosts() {
        check("listHosts");
        return hosts.values().stream().map(this::withCount).toList();
    }

    @Override
    public synchronized HostRecord updateHost(String name, String personality, String chapUser, String chapSecret) {
        check("updateHost");
        if (personality != null && !personality.isEmpty() && !PERSONALITIES.contains(personality)) {
            throw EngineException.invalidArgument("INVALID_PERSONALITY", "Host personality '" + personality
                    + "' is not one of " + new TreeSet<>(PERSONALITIES) + " (or empty to clear it).");
        }
        if (chapSecret != null && !chapSecret.isEmpty() && (chapSecret.length() < 12 || chapSecret.length() > 255)) {
            throw EngineException.invalidArgument("INVALID_CHAP_SECRET", "The CHAP secret for host " + name
                    + " must be 12 to 255 characters long.");
        }
        HostRecord host = host(name);
        HostRecord updated = new HostRecord(name, host.iqns(), host.wwns(), host.nqns(),
                personality != null ? personality : host.personality(),
                chapUser != null ? chapUser : host.chapUser(),
                chapSecret != null ? chapSecret : host.chapSecret(), 0);
        hosts.put(name, updated);
        return withCount(updated);
    }

    @Override
    public synchronized void deleteHost(String name) {
        check("deleteHost");
        host(name);
        if (connections.stream().anyMatch(c -> c.hostName().equals(name))) {
            throw EngineException.failedPrecondition("HAS_CONNECTIONS",
                    "Host " + name + " cannot be deleted due to existing connections; disconnect its volumes first.");
        }
        hosts.remove(name);
    }

    @Override
    public synchronized ConnectionRecord connect(String hostName, String volumeName) {
        check("connect");
        host(hostName);
        liveVolume(volumeName);
        if (connections.stream().anyMatch(c -> c.hostName().equals(hostName) && c.volumeName().equals(volumeName))) {
            throw EngineException.alreadyExists("CONNECTION_EXISTS",
                    "Connection between host " + hostName + " and volume " + volumeName + " already exists.");
        }
        int lun = 1;
        while (lunTaken(hostName, lun)) {
            lun++;
        }
        ConnectionRecord connection = new ConnectionRecord(hostName, volumeName, lun);
        connections.add(connection);
        return connection;
    }

    @Override
    public synchronized List<ConnectionRecord> listConnections(String hostName, String volumeName) {
        check("listConnections");
        return connections.stream()
                .filter(c -> hostName == null || c.hostName().equals(hostName))
                .filter(c -> volumeName == null || c.volumeName().equals(volumeName))
                .sorted(Comparator.comparing(ConnectionRecord::hostName).thenComparingInt(ConnectionRecord::lun))
                .toList();
    }

    @Override
    public synchronized void disconnect(String hostName, String volumeName) {
        check("disconnect");
        boolean removed = connections.removeIf(c -> c.hostName().equals(hostName) && c.volumeName().equals(volumeName));
        if (!removed) {
            throw EngineException.notFound("CONNECTION_NOT_FOUND",
                    "Volume " + volumeName + " is not connected to host " + hostName + ".");
        }
    }

    @Override
    public synchronized List<PortRecord> listPorts() {
        check("listPorts");
        return ports;
    }

    // --- internals -----------------------------------------------------------------------------

    private void check(String operation) {
        if (unavailable) {
            throw EngineException.unavailable("ARRAY_UNAVAILABLE", "Array " + info.name() + " does not answer.");
        }
        Runnable hook = hooks.remove(operation);
        if (hook != null) {
            hook.run();
        }
        EngineException failure = failures.remove(operation);
        if (failure != null) {
            throw failure;
        }
    }

    private static List<PortRecord> defaultPorts(String name, int seed) {
        int octet = seed % 200 + 1;
        String hex = String.format(Locale.ROOT, "%016x", (long) seed * 2654435761L);
        String iqn = "iqn.2010-06.com.purestorage:flasharray." + hex;
        String nqn = "nqn.2010-06.com.purestorage:flasharray." + hex;
        List<PortRecord> result = new ArrayList<>();
        for (int ct = 0; ct < 2; ct++) {
            for (int eth = 4; eth < 6; eth++) {
                result.add(new PortRecord("CT" + ct + ".ETH" + eth, iqn, null, null,
                        "10." + octet + "." + ct + "." + eth + ":3260", PortService.ISCSI));
            }
            for (int fc = 0; fc < 2; fc++) {
                String wwn = String.format(Locale.ROOT, "52:4A:93:7%01X:%02X:%02X:%02X:%02X",
                        seed % 16, (seed >> 8) & 0xff, (seed >> 16) & 0xff, ct, fc);
                result.add(new PortRecord("CT" + ct + ".FC" + fc, null, wwn, null, null, PortService.FC));
            }
            result.add(new PortRecord("CT" + ct + ".ETH8", null, null, nqn,
                    "10." + octet + "." + ct + ".8:4420", PortService.NVME_TCP));
            result.add(new PortRecord("CT" + ct + ".ETH9", null, null, nqn,
                    "10." + octet + "." + ct + ".9:4420", PortService.NVME_ROCE));
        }
        return List.copyOf(result);
    }

    private VolumeRecord newVolume(String name, long provisionedBytes, String sourceName) {
        VolumeRecord volume = new VolumeRecord(name, nextId(), nextSerial(), provisionedBytes, sourceName, false, tick(), 0);
        volumes.put(name, volume);
        return volume;
    }

    private void requireFreeVolumeName(String name) {
        VolumeRecord existing = volumes.get(name);
        if (existing != null) {
            if (existing.destroyed()) {
                throw EngineException.alreadyExists(DESTROYED, "Volume " + name
                        + " already exists and has been destroyed; recover or eradicate it first.");
            }
            throw EngineException.alreadyExists("VOLUME_EXISTS", "Volume " + name + " already exists.");
        }
    }

    private VolumeRecord liveVolume(String name) {
        VolumeRecord volume = volumes.get(name);
        if (volume == null) {
            throw notFound("volume", name);
        }
        requireLive(volume.destroyed(), "volume", name);
        return volume;
    }

    private VolumeRecord destroyedVolume(String name) {
        VolumeRecord volume = volumes.get(name);
        if (volume == null) {
            throw notFound("volume", name);
        }
        if (!volume.destroyed()) {
            throw EngineException.failedPrecondition("NOT_DESTROYED", "Volume " + name + " is not destroyed.");
        }
        return volume;
    }

    private SnapshotRecord liveSnapshot(String name) {
        SnapshotRecord snapshot = snapshots.get(name);
        if (snapshot == null) {
            throw notFound("snapshot", name);
        }
        requireLive(snapshot.destroyed(), "snapshot", name);
        return snapshot;
    }

    private HostRecord host(String name) {
        HostRecord host = hosts.get(name);
        if (host == null) {
            throw EngineException.notFound("HOST_NOT_FOUND", "Host " + name + " does not exist.");
        }
        return host;
    }

    private Optional<HostRecord> hostByInitiator(String initiator) {
        String wanted = normalize(initiator);
        return hosts.values().stream()
                .filter(h -> h.iqns().stream().anyMatch(i -> normalize(i).equals(wanted))
                        || h.wwns().stream().anyMatch(w -> normalize(w).equals(wanted))
                        || h.nqns().stream().anyMatch(n -> normalize(n).equals(wanted)))
                .findFirst();
    }

    private static String normalize(String initiator) {
        String lower = initiator.toLowerCase(Locale.ROOT);
        // Only WWNs (hex with optional colons) lose their colons; IQNs and NQNs contain ':' legitimately.
        return lower.matches("[0-9a-f:]+") ? lower.replace(":", "") : lower;
    }

    private HostRecord withCount(HostRecord host) {
        int count = (int) connections.stream().filter(c -> c.hostName().equals(host.name())).count();
        return new HostRecord(host.name(), host.iqns(), host.wwns(), host.nqns(), host.personality(),
                host.chapUser(), host.chapSecret(), count);
    }

    private boolean lunTaken(String hostName, int lun) {
        return connections.stream().anyMatch(c -> c.hostName().equals(hostName) && c.lun() == lun);
    }

    private static void requireLive(boolean destroyed, String kind, String name) {
        if (destroyed) {
            throw new EngineException(ErrorCode.FAILED_PRECONDITION, DESTROYED,
                    "The " + kind + " " + name + " has been destroyed; recover or eradicate it first.");
        }
    }

    private static void requireValidSize(long bytes) {
        if (bytes <= 0) {
            throw EngineException.invalidArgument("SIZE_NOT_POSITIVE", "Size must be positive, got " + bytes + ".");
        }
        if (bytes % 512 != 0) {
            throw EngineException.invalidArgument("SIZE_NOT_ALIGNED",
                    "Size must be a multiple of 512 bytes, got " + bytes + ".");
        }
        if (bytes > MAX_PROVISIONED) {
            throw EngineException.outOfRange("SIZE_TOO_LARGE", "Size exceeds the 4 PiB maximum, got " + bytes + ".");
        }
    }

    /** {@code vol} or {@code pod::vol}; both parts 1-63 letters, digits, '_' or '-'. */
    private static void validateVolumeName(String name) {
        int sep = name == null ? -1 : name.indexOf("::");
        boolean valid = name != null && (sep < 0 ? VOLUME_PART.matcher(name).matches()
                : VOLUME_PART.matcher(name.substring(0, sep)).matches()
                        && VOLUME_PART.matcher(name.substring(sep + 2)).matches());
        if (!valid) {
            throw EngineException.invalidArgument("INVALID_NAME", "Volume name '" + name
                    + "' is not valid: 1-63 letters, digits, '-' or '_', optionally prefixed by 'pod::'.");
        }
    }

    private static EngineException notFound(String kind, String name) {
        String reason = kind.equals("snapshot") ? "SNAPSHOT_NOT_FOUND" : "VOLUME_NOT_FOUND";
        return EngineException.notFound(reason, "The " + kind + " " + name + " does not exist.");
    }

    private static VolumeRecord withDestroyed(VolumeRecord v, boolean destroyed, long at) {
        return new VolumeRecord(v.name(), v.id(), v.serial(), v.provisionedBytes(), v.sourceName(), destroyed,
                v.createdEpochMillis(), at);
    }

    private static SnapshotRecord withDestroyed(SnapshotRecord s, boolean destroyed, long at) {
        return new SnapshotRecord(s.name(), s.id(), s.serial(), s.sourceName(), s.suffix(), s.provisionedBytes(),
                destroyed, s.createdEpochMillis(), at);
    }

    private String nextId() {
        return new UUID(seed, ++counter).toString();
    }

    private String nextSerial() {
        return String.format(Locale.ROOT, "%08X%016X", seed, ++counter);
    }

    private long tick() {
        return ++clock;
    }
}
