package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Objects;

/**
 * os-brick's connector properties of the host attaching a volume.
 *
 * @param initiator iSCSI IQN, or ""
 * @param nqn NVMe host NQN, or ""
 * @param systemUuid connector["system uuid"], or ""
 */
public record HostConnector(
        String host,
        String initiator,
        List<String> wwpns,
        List<String> wwnns,
        String nqn,
        String systemUuid,
        String ip,
        boolean multipath) {
    public HostConnector {
        Objects.requireNonNull(host, "host");
        initiator = initiator == null ? "" : initiator;
        wwpns = wwpns == null ? List.of() : List.copyOf(wwpns);
        wwnns = wwnns == null ? List.of() : List.copyOf(wwnns);
        nqn = nqn == null ? "" : nqn;
        systemUuid = systemUuid == null ? "" : systemUuid;
        ip = ip == null ? "" : ip;
    }
}
