package io.purebridge.engine.array;

import java.util.List;
import java.util.Objects;

/**
 * A host object: a named set of initiators (iSCSI IQNs, FC WWNs, NVMe NQNs).
 *
 * @param chapUser CHAP user name for the host, or null
 * @param chapSecret CHAP secret for the host, or null; never logged
 */
public record HostRecord(
        String name,
        List<String> iqns,
        List<String> wwns,
        List<String> nqns,
        String personality,
        String chapUser,
        String chapSecret,
        int connectionCount) {
    public HostRecord {
        Objects.requireNonNull(name, "name");
        iqns = List.copyOf(iqns);
        wwns = List.copyOf(wwns);
        nqns = List.copyOf(nqns);
    }

    @Override
    public String toString() {
        return "HostRecord[name=" + name + ", iqns=" + iqns + ", wwns=" + wwns + ", nqns=" + nqns
                + ", personality=" + personality + ", chapUser=" + chapUser
                + ", chapSecret=" + (chapSecret == null ? "null" : "****")
                + ", connectionCount=" + connectionCount + "]";
    }
}
