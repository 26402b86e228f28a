package io.purebridge.engine.array;

import java.util.Objects;

/**
 * A target port of an array controller, e.g. {@code CT0.ETH4}.
 *
 * @param iqn the iSCSI target IQN, or null
 * @param wwn the FC target WWN (upper case, with colons), or null
 * @param nqn the NVMe subsystem NQN, or null
 * @param portal "address:port" for iSCSI and NVMe ports, or null for FC
 * @param service what the port serves
 */
public record PortRecord(String name, String iqn, String wwn, String nqn, String portal, PortService service) {
    public PortRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
    }
}
