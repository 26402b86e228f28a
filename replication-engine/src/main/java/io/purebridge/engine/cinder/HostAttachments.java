package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attach and detach on one array: host lookup by initiator, host creation on demand (named by
 * {@link PurityNames#hostName}), CHAP, connections and the per-protocol connection info of the
 * upstream driver (reference §3.5).
 */
final class HostAttachments {
    private static final Logger LOG = LoggerFactory.getLogger(HostAttachments.class);
    private static final String WWN_PREFIX = "3624a9370";
    private static final int NVME_PORT = 4420;
    private static final int ATTEMPTS = 3;

    private final BackendOptions options;
    private final FlashArray array;
    private final Supplier<String> uuidHex;
    private final Supplier<String> chapSecrets;
    private final KeyedLocks locks = new KeyedLocks(64);
    private static final ExecutorService READS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "attach-read");
        t.setDaemon(true);
        return t;
    });

    HostAttachments(BackendOptions options, FlashArray array, Supplier<String> uuidHex, Supplier<String> chapSecrets) {
        this.options = options;
        this.array = array;
        this.uuidHex = uuidHex;
        this.chapSecrets = chapSecrets;
    }

    ConnectionProperties attach(VolumeRecord volume, HostConnector connector) {
        return attach(CompletableFuture.completedFuture(volume), connector);
    }

    /**
     * The reads an attach needs do not depend on each other: the volume (being read by the caller),
     * the target ports (read here on another thread) and the host (read on this one) go to the
     * array together, so on the REST path they cost one round trip of wall time instead of four.
     * Nothing is created before all three are in: no host on an array that cannot serve the
     * protocol, and none for a volume that does not exist.
     */
    ConnectionProperties attach(CompletableFuture<VolumeRecord> pendingVolume, HostConnector connector) {
        requireInitiators(connector);
        CompletableFuture<List<PortRecord>> pendingPorts = readAsync(this::targetPorts);
        ReentrantLock lock = locks.lockFor(connector.host());
        lock.lock();
        try {
            Optional<HostRecord> found = findHost(connector);
            VolumeRecord volume = join(pendingVolume);
            List<PortRecord> ports = join(pendingPorts);
            for (int attempt = 1; ; attempt++) {
                if (attempt > 1) {
                    found = findHost(connector);
                }
                HostRecord host = found.map(this::ensurePersonality).orElseGet(() -> createHost(connector));
                if (usesChap()) {
                    host = ensureChap(host, connector);
                }
                try {
                    ConnectionRecord connection = connect(host.name(), volume.name());
                    LOG.info("{}: connected {} to host {} on LUN {}", options.backendName(), volume.name(),
                            host.name(), connection.lun());
                    return properties(volume, host, connection, ports, connector);
                } catch (EngineException e) {
                    // A concurrent detach may delete the host between lookup and connect: look again.
                    if (e.code() != ErrorCode.NOT_FOUND || !"HOST_NOT_FOUND".equals(e.reason()) || attempt >= ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    Optional<ConnectionProperties> detach(String volumeName, HostConnector connector) {
        ReentrantLock lock = locks.lockFor(connector.host());
        lock.lock();
        try {
            Optional<HostRecord> host = findHost(connector);
            if (host.isEmpty()) {
                LOG.warn("{}: no host holds the initiators of {}; nothing to disconnect for {}",
                        options.backendName(), connector.host(), volumeName);
                return keepZones();
            }
            boolean hostEmpty = disconnectHost(host.get().name(), volumeName, options.protocol() == StorageProtocol.FC);
            if (options.protocol() == StorageProtocol.FC) {
                if (!hostEmpty) {
                    return keepZones();
                }
                List<String> wwns = fcTargetWwns(targetPorts());
                return Optional.of(new ConnectionProperties.FibreChannel(wwns, List.of(), null,
                        initiatorTargetMap(connector, wwns)));
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Force detach: every host loses the volume; driver-made hosts left empty are deleted. */
    void disconnectAll(String volumeName) {
        for (ConnectionRecord connection : array.listConnections(null, volumeName)) {
            disconnectHost(connection.hostName(), volumeName, false);
        }
    }

    Optional<HostRecord> findHost(HostConnector connector) {
        return switch (options.protocol()) {
            case ISCSI -> array.findHostByInitiator(connector.initiator());
            case FC -> connector.wwpns().stream()
                    .map(array::findHostByInitiator).flatMap(Optional::stream).findFirst();
            case NVME_ROCE, NVME_TCP -> array.findHostByInitiator(connector.nqn());
        };
    }

    /**
     * Disconnects, then deletes the host if the driver made it and it has no connections left. The
     * delete goes first and the array's answer tells whether connections remain (it refuses to
     * delete a connected host), so a driver-made host costs no listing. Returns true when the host
     * has no connections left; that is only worked out when {@code needEmpty} (FC zoning) or for
     * driver-made hosts, else false.
     */
    private boolean disconnectHost(String hostName, String volumeName, boolean needEmpty) {
        try {
            array.disconnect(hostName, volumeName);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        }
        if (hostName.contains(":")) {
            // Remote (pod or replica) host names are not ours to clean up.
            return false;
        }
        if (!PurityNames.isGeneratedHost(hostName)) {
            return needEmpty && array.listConnections(hostName, null).isEmpty();
        }
        try {
            array.deleteHost(hostName);
            LOG.info("{}: deleted host {} with no connections left", options.backendName(), hostName);
            return true;
        } catch (EngineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return true; // gone already
            }
            if (e.code() == ErrorCode.FAILED_PRECONDITION) {
                return false; // it still has connections (other volumes, or one that arrived meanwhile)
            }
            throw e;
        }
    }

    private Optional<ConnectionProperties> keepZones() {
        if (options.protocol() == StorageProtocol.FC) {
            return Optional.of(new ConnectionProperties.FibreChannel(List.of(), List.of(), null, Map.of()));
        }
        return Optional.empty();
    }

    private void requireInitiators(HostConnector connector) {
        switch (options.protocol()) {
            case ISCSI -> {
                if (connector.initiator().isBlank()) {
                    throw missing("connector.initiator", "an iSCSI initiator IQN");
                }
            }
            case FC -> {
                if (connector.wwpns().isEmpty()) {
                    throw missing("connector.wwpns", "FC initiator WWPNs");
                }
            }
            case NVME_ROCE, NVME_TCP -> {
                if (connector.nqn().isBlank()) {
                    throw missing("connector.nqn", "an NVMe host NQN");
                }
            }
        }
    }

    private EngineException missing(String field, String what) {
        return EngineException.invalidArgument("CONNECTOR_MISSING_INITIATOR", field + " is empty: backend "
                + options.backendName() + " serves " + options.storageProtocolName() + " and needs " + what
                + "; check the compute node's initiator setup.");
    }

    private HostRecord createHost(HostConnector connector) {
        String systemUuid = connector.systemUuid().replace("-", "").toLowerCase(Locale.ROOT);
        String hex = systemUuid.matches("[0-9a-f]{32}") ? systemUuid : uuidHex.get();
        String name = PurityNames.hostName(connector.host(), hex);
        HostRecord host;
        try {
            host = createHostNamed(name, connector);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            Optional<HostRecord> raced = findHost(connector);
            if (raced.isPresent()) {
                return raced.get();
            }
            // The name is taken by a host with other initiators (e.g. another protocol's host of the
            // same node): fall back to upstream's older random name.
            host = createHostNamed(PurityNames.hostName(connector.host(), uuidHex.get()), connector);
        }
        if (options.hostPersonality() != null) {
            host = array.updateHost(host.name(), options.hostPersonality(), null, null);
        }
        LOG.info("{}: created host {} for {}", options.backendName(), host.name(), connector.host());
        return host;
    }

    /**
     * pure_host_personality on a host that exists already (made before the option was set, or by
     * hand): set on attach, where upstream sets it only on hosts it creates. Nothing sent when it
     * already matches.
     */
    private HostRecord ensurePersonality(HostRecord host) {
        String wanted = options.hostPersonality();
        if (wanted == null || wanted.equals(host.personality())) {
            return host;
        }
        LOG.info("{}: host {} personality {} -> {}", options.backendName(), host.name(), host.personality(), wanted);
        return array.updateHost(host.name(), wanted, null, null);
    }

    private HostRecord createHostNamed(String name, HostConnector connector) {
        return switch (options.protocol()) {
            case ISCSI -> array.createHost(name, List.of(connector.initiator()), List.of(), List.of());
            case FC -> array.createHost(name, List.of(), connector.wwpns(), List.of());
            case NVME_ROCE, NVME_TCP -> array.createHost(name, List.of(), List.of(), List.of(connector.nqn()));
        };
    }

    /** Runs an array read on a pool thread (daemon threads, created as needed, idle ones reaped). */
    static <T> CompletableFuture<T> readAsync(Supplier<T> read) {
        return CompletableFuture.supplyAsync(read, READS);
    }

    /** The value, or the read's own exception (an EngineException is not wrapped). */
    static <T> T join(CompletableFuture<T> pending) {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private boolean usesChap() {
        return options.protocol() == StorageProtocol.ISCSI && options.useChapAuth();
    }

    /** The CHAP secret lives on the host object (upstream keeps it in Cinder's driver_initiator_data). */
    private HostRecord ensureChap(HostRecord host, HostConnector connector) {
        if (!PurityNames.isGeneratedHost(host.name())) {
            throw EngineException.failedPrecondition("HOST_NOT_DRIVER_MANAGED", "Host " + host.name()
                    + " holds initiator " + connector.initiator() + " but was not created by Cinder; with"
                    + " use_chap_auth=True the driver must own the host. Remove the initiator from it or disable CHAP.");
        }
        if (host.chapUser() != null && host.chapSecret() != null) {
            return host;
        }
        return array.updateHost(host.name(), null, connector.host(), chapSecrets.get());
    }

    private ConnectionRecord connect(String hostName, String volumeName) {
        try {
            return array.connect(hostName, volumeName);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            // Already connected (a retried attach): report the existing LUN.
            return array.listConnections(hostName, volumeName).stream().findFirst()
                    .orElseThrow(() -> new EngineException(ErrorCode.ABORTED, "CONNECTION_RACE", "Volume "
                            + volumeName + " was connected to host " + hostName
                            + " and disconnected again meanwhile; retry the attach."));
        }
    }

    // --- connection info -------------------------------------------------------------------

    /** Read on every attach (never cached), so a port that went away is never handed out. */
    private List<PortRecord> targetPorts() {
        List<PortRecord> matching = switch (options.protocol()) {
            case ISCSI -> array.listPorts(PortService.ISCSI).stream()
                    .filter(p -> p.service() == PortService.ISCSI && p.iqn() != null && p.portal() != null).toList();
            // NVMe-FC ports carry an nqn as well as a wwn: they are not FC SCSI targets.
            case FC -> array.listPorts(PortService.FC).stream()
                    .filter(p -> p.service() == PortService.FC && p.wwn() != null && p.nqn() == null).toList();
            case NVME_ROCE, NVME_TCP -> {
                PortService wanted = options.nvmeTransport() == NvmeTransport.TCP ? PortService.NVME_TCP
                        : PortService.NVME_ROCE;
                yield array.listPorts(wanted).stream()
                        .filter(p -> p.service() == wanted && p.nqn() != null && p.portal() != null).toList();
            }
        };
        if (matching.isEmpty()) {
            throw EngineException.failedPrecondition("NO_TARGET_PORTS", "Array of backend " + options.backendName()
                    + " has no ready " + options.storageProtocolName()
                    + " target ports; enable the service on a controller port.");
        }
        if (options.protocol() == StorageProtocol.NVME_ROCE || options.protocol() == StorageProtocol.NVME_TCP) {
            // Checked before any host or connection is made, so a failed attach leaves nothing behind.
            List<PortRecord> inCidr = matching.stream()
                    .filter(p -> inAny(options.nvmeCidrs(), portalAddress(p.portal()))).toList();
            if (inCidr.isEmpty()) {
                throw EngineException.failedPrecondition("NO_TARGET_PORTS", "No NVMe portal of backend "
                        + options.backendName() + " lies in pure_nvme_cidr(_list) " + options.nvmeCidrs()
                        + "; widen the CIDR or add ports in it.");
            }
            return inCidr;
        }
        return matching;
    }

    private ConnectionProperties properties(VolumeRecord volume, HostRecord host, ConnectionRecord connection,
            List<PortRecord> ports, HostConnector connector) {
        String wwn = WWN_PREFIX + volume.serial().toLowerCase(Locale.ROOT);
        return switch (options.protocol()) {
            case ISCSI -> {
                List<String> iqns = new ArrayList<>();
                List<String> portals = new ArrayList<>();
                List<Integer> luns = new ArrayList<>();
                for (PortRecord port : ports) {
                    if (inAny(options.iscsiCidrs(), portalAddress(port.portal()))) {
                        iqns.add(port.iqn());
                        portals.add(port.portal());
                        luns.add(connection.lun());
                    }
                }
                if (portals.isEmpty()) {
                    // Upstream returns the empty lists without an error; say why in the log at least.
                    LOG.warn("{}: no iSCSI portal lies in {}; {} gets no targets", options.backendName(),
                            options.iscsiCidrs(), volume.name());
                }
                boolean chap = usesChap();
                yield new ConnectionProperties.Iscsi(iqns, portals, luns, wwn, chap ? "CHAP" : null,
                        chap ? host.chapUser() : null, chap ? host.chapSecret() : null);
            }
            case FC -> {
                List<String> wwns = fcTargetWwns(ports);
                List<Integer> luns = wwns.stream().map(w -> connection.lun()).toList();
                yield new ConnectionProperties.FibreChannel(wwns, luns, wwn, initiatorTargetMap(connector, wwns));
            }
            case NVME_ROCE, NVME_TCP -> {
                List<ConnectionProperties.NvmePortal> portals = ports.stream()
                        .map(p -> new ConnectionProperties.NvmePortal(portalAddress(p.portal()), NVME_PORT,
                                options.nvmeTransport().portalTransport()))
                        .toList();
                yield new ConnectionProperties.Nvmeof(ports.get(0).nqn(), portals, nguid(volume.serial()));
            }
        };
    }

    private List<String> fcTargetWwns(List<PortRecord> ports) {
        return ports.stream().map(p -> p.wwn().replace(":", "").toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /** Without a SAN lookup service every initiator sees every target, as upstream. */
    private static Map<String, List<String>> initiatorTargetMap(HostConnector connector, List<String> targets) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String wwpn : connector.wwpns()) {
            map.put(wwpn, targets);
        }
        return map;
    }

    /** "00" + serial[0:14] + "24a937" + serial[-10:], lower case. */
    static String nguid(String serial) {
        String lower = serial.toLowerCase(Locale.ROOT);
        return "00" + lower.substring(0, 14) + "24a937" + lower.substring(lower.length() - 10);
    }

    /** The address part of "ip:port" or "[ipv6]:port", without brackets. */
    static String portalAddress(String portal) {
        if (portal.startsWith("[")) {
            int close = portal.indexOf(']');
            return close < 0 ? portal : portal.substring(1, close);
        }
        int colon = portal.indexOf(':');
        if (colon >= 0 && colon == portal.lastIndexOf(':')) {
            return portal.substring(0, colon);
        }
        return portal;
    }

    private static boolean inAny(List<CidrRange> cidrs, String address) {
        return cidrs.stream().anyMatch(c -> c.contains(address));
    }
}
