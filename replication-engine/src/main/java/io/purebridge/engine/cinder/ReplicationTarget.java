package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayEndpoint;
import java.util.Objects;

/**
 * One validated replication_device line.
 *
 * @param backendId Cinder's failover target id
 * @param uniform for sync targets: hosts attach on this array too
 * @param sslCertPath CA bundle for the target, or null
 */
public record ReplicationTarget(
        String backendId,
        String sanIp,
        String apiToken,
        ReplicationType type,
        boolean uniform,
        boolean sslCertVerify,
        String sslCertPath) {
    public ReplicationTarget {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(sanIp, "sanIp");
        Objects.requireNonNull(apiToken, "apiToken");
        Objects.requireNonNull(type, "type");
    }

    public ArrayEndpoint endpoint() {
        return new ArrayEndpoint(sanIp, apiToken, sslCertVerify, sslCertPath);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "ReplicationTarget[backendId=" + backendId + ", sanIp=" + sanIp + ", apiToken=****, type=" + type
                + ", uniform=" + uniform + ", sslCertVerify=" + sslCertVerify + ", sslCertPath=" + sslCertPath + "]";
    }
}
