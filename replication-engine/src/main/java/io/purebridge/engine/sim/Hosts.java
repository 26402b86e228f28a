package io.purebridge.engine.sim;

import java.util.LinkedHashSet;
import io.purebridge.engine.error.ErrorCode;
import java.util.Comparator;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.sim.StoredState.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hosts (initiators, personality, CHAP), their volume connections (LUNs) and the array's ports. */
final class Hosts {
    private static final Logger LOG = LoggerFactory.getLogger(Hosts.class);
    static final int MAX_LUN = 4095;
    private static final Set<String> PERSONALITIES = Set.of("aix", "esxi", "hitachi-vsp", "hpux",
            "oracle-vm-server", "solaris", "vms", "nutanix-mgmt", "nutanix-cluster");

    private final ArrayCatalog c;

    Hosts(ArrayCatalog catalog) {
        this.c = catalog;
    }

    HostRecord createHost(String name, List<String> iqns, List<String> wwns, List<String> nqns) {
        Names.checkHost(name);
        List<String> iqnList = normalize(iqns, Initiators::checkIqn);
        List<String> wwnList = normalize(wwns, Initiators::normalizeWwn);
        List<String> nqnList = normalize(nqns, Initiators::checkNqn);
        return c.mutate(() -> {
            Host existing = c.hosts.get(name);
            if (existing != null) {
                throw EngineException.alreadyExists("HOST_EXISTS", "Host " + name
                        + " already exists; choose another name or reuse it.");
            }
            List<String> all = new ArrayList<>(iqnList);
            all.addAll(wwnList);
            all.addAll(nqnList);
            for (String initiator : all) {
                Host owner = hostByInitiator(initiator);
                if (owner != null) {
                    throw EngineException.alreadyExists("INITIATOR_IN_USE", "Initiator " + initiator
                            + " is already in use by host " + owner.name() + "; remove it there first.");
                }
            }
            Host h = new Host(name, iqnList, wwnList, nqnList, null, null, null, Map.of());
            try (Tx tx = new Tx()) {
                c.putHost(tx, h);
                c.commit(tx, c.state);
            }
            return h.toRecord();
        });
    }

    private static List<String> normalize(List<String> values, UnaryOperator<String> check) {
        Set<String> out = new LinkedHashSet<>();
        if (values != null) {
            for (String v : values) {
                out.add(check.apply(v));
            }
        }
        return List.copyOf(out);
    }

    Optional<HostRecord> findHost(String name) {
        return c.read(() -> Optional.ofNullable(c.hosts.get(name)).map(Host::toRecord));
    }

    Optional<HostRecord> findHostByInitiator(String initiator) {
        if (initiator == null || initiator.isBlank()) {
            return Optional.empty();
        }
        return c.read(() -> Optional.ofNullable(hostByInitiator(initiator)).map(Host::toRecord));
    }

    private Host hostByInitiator(String initiator) {
        String wwn = Initiators.asWwn(initiator);
        for (Host h : c.hosts.values()) {
            if (wwn != null && h.wwns().contains(wwn)) {
                return h;
            }
            for (String iqn : h.iqns()) {
                if (iqn.equalsIgnoreCase(initiator)) {
                    return h;
                }
            }
            for (String nqn : h.nqns()) {
                if (nqn.equalsIgnoreCase(initiator)) {
                    return h;
                }
            }
        }
        return null;
    }

    List<HostRecord> listHosts() {
        return c.read(() -> c.hosts.values().stream().map(Host::toRecord).toList());
    }

    HostRecord updateHost(String name, String personality, String chapUser, String chapSecret) {
        if (personality != null && !personality.isEmpty() && !PERSONALITIES.contains(personality)) {
            throw EngineException.invalidArgument("INVALID_PERSONALITY", "Host personality '" + personality
                    + "' is not one of " + new TreeSet<>(PERSONALITIES)
                    + " (or empty to clear it).");
        }
        if (chapSecret != null && !chapSecret.isEmpty() && (chapSecret.length() < 12 || chapSecret.length() > 255)) {
            throw EngineException.invalidArgument("INVALID_CHAP_SECRET", "The CHAP secret for host " + name
                    + " must be 12 to 255 characters long.");
        }
        return c.mutate(() -> {
            Host h = c.existingHost(name);
            Host updated = h.withSettings(
                    personality == null ? h.personality() : emptyToNull(personality),
                    chapUser == null ? h.chapUser() : emptyToNull(chapUser),
                    chapSecret == null ? h.chapSecret() : emptyToNull(chapSecret));
            try (Tx tx = new Tx()) {
                c.putHost(tx, updated);
                c.commit(tx, c.state);
            }
            return updated.toRecord();
        });
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    void deleteHost(String name) {
        c.mutate(() -> {
            Host h = c.existingHost(name);
            if (!h.connections().isEmpty()) {
                throw EngineException.failedPrecondition("HOST_CONNECTED", "Host " + name
                        + " cannot be deleted due to existing connections (" + h.connections().size()
                        + "); disconnect its volumes first.");
            }
            try (Tx tx = new Tx()) {
                c.deleteHostState(tx, name);
                c.commit(tx, c.state);
            }
            return null;
        });
    }

    ConnectionRecord connect(String hostName, String volumeName) {
        return c.mutate(() -> {
            Host h = c.existingHost(hostName);
            c.liveVolume(volumeName);
            if (h.connections().containsKey(volumeName)) {
                throw EngineException.alreadyExists("CONNECTION_EXISTS", "Connection between host " + hostName
                        + " and volume " + volumeName + " already exists (LUN "
                        + h.connections().get(volumeName) + ").");
            }
            Set<Integer> used = Set.copyOf(h.connections().values());
            int lun = 1;
            while (used.contains(lun)) {
                lun++;
            }
            if (lun > MAX_LUN) {
                throw new EngineException(ErrorCode.RESOURCE_EXHAUSTED, "LUN_LIMIT", "Host " + hostName
                        + " has no free LUN: connection limit reached (" + MAX_LUN + ").");
            }
            Map<String, Integer> luns = new TreeMap<>(h.connections());
            luns.put(volumeName, lun);
            try (Tx tx = new Tx()) {
                c.putHost(tx, h.withConnections(luns));
                c.commit(tx, c.state);
            }
            return new ConnectionRecord(hostName, volumeName, lun);
        });
    }

    List<ConnectionRecord> listConnections(String hostName, String volumeName) {
        return c.read(() -> {
            List<ConnectionRecord> out = new ArrayList<>();
            for (Host h : c.hosts.values()) {
                if (hostName != null && !hostName.equals(h.name())) {
                    continue;
                }
                h.connections().entrySet().stream()
                        .filter(e -> volumeName == null || volumeName.equals(e.getKey()))
                        .map(e -> new ConnectionRecord(h.name(), e.getKey(), e.getValue()))
                        .sorted(Comparator.comparingInt(ConnectionRecord::lun))
                        .forEach(out::add);
            }
            return out;
        });
    }

    void disconnect(String hostName, String volumeName) {
        c.mutate(() -> {
            Host h = c.existingHost(hostName);
            c.existingVolume(volumeName);
            if (!h.connections().containsKey(volumeName)) {
                throw EngineException.notFound("CONNECTION_NOT_FOUND", "Volume " + volumeName
                        + " is not connected to host " + hostName + "; nothing to disconnect.");
            }
            Map<String, Integer> luns = new TreeMap<>(h.connections());
            luns.remove(volumeName);
            try (Tx tx = new Tx()) {
                c.putHost(tx, h.withConnections(luns));
                c.commit(tx, c.state);
            }
            return null;
        });
    }

    List<PortRecord> listPorts() {
        return c.read(() -> SimPorts.ports(c.name(), c.state.id()));
    }
}
