package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayEndpoint;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A backend section after validation ({@link BackendOptionsParser}): every upstream option, typed,
 * with upstream defaults. Values a test or an operator cannot get wrong any more.
 *
 * @param hostPersonality pure_host_personality, or null
 * @param iscsiCidrs pure_iscsi_cidr_list, or [pure_iscsi_cidr]
 * @param nvmeCidrs pure_nvme_cidr_list, or [pure_nvme_cidr]
 * @param maxOverSubscriptionRatio the configured number, or empty for "auto"
 * @param activeBackendId the replication_device backend_id Cinder says is active, or null for the
 *     primary
 */
public record BackendOptions(
        String backendName,
        StorageProtocol protocol,
        String sanIp,
        String apiToken,
        boolean sslCertVerify,
        String sslCertPath,
        String volumeBackendName,
        boolean eradicateOnDelete,
        boolean safemodeEnabled,
        String hostPersonality,
        List<CidrRange> iscsiCidrs,
        List<CidrRange> nvmeCidrs,
        NvmeTransport nvmeTransport,
        boolean automaticMaxOversubscriptionRatio,
        OptionalDouble maxOverSubscriptionRatio,
        int reservedPercentage,
        boolean useChapAuth,
        int replicaIntervalSeconds,
        int replicaRetentionShortTermSeconds,
        int replicaRetentionLongTermPerDay,
        int replicaRetentionLongTermDays,
        String replicationPgName,
        String replicationPodName,
        boolean trisyncEnabled,
        String trisyncPgName,
        String ghostPodName,
        String filterFunction,
        String goodnessFunction,
        List<ReplicationTarget> replicationTargets,
        String activeBackendId) {
    public BackendOptions {
        iscsiCidrs = List.copyOf(iscsiCidrs);
        nvmeCidrs = List.copyOf(nvmeCidrs);
        replicationTargets = List.copyOf(replicationTargets);
    }

    public ArrayEndpoint primaryEndpoint() {
        return new ArrayEndpoint(sanIp, apiToken, sslCertVerify, sslCertPath);
    }

    public boolean replicationConfigured() {
        return !replicationTargets.isEmpty();
    }

    public Optional<ReplicationTarget> target(String backendId) {
        return replicationTargets.stream().filter(t -> t.backendId().equals(backendId)).findFirst();
    }

    /** The storage_protocol Cinder sees: NVMe follows pure_nvme_transport. */
    public String storageProtocolName() {
        if (protocol == StorageProtocol.NVME_ROCE || protocol == StorageProtocol.NVME_TCP) {
            return nvmeTransport == NvmeTransport.TCP ? StorageProtocol.NVME_TCP.cinderName()
                    : StorageProtocol.NVME_ROCE.cinderName();
        }
        return protocol.cinderName();
    }

    /** Never prints a token. */
    @Override
    public String toString() {
        return "BackendOptions[backendName=" + backendName + ", protocol=" + protocol + ", sanIp=" + sanIp
                + ", apiToken=****, volumeBackendName=" + volumeBackendName + ", eradicateOnDelete="
                + eradicateOnDelete + ", useChapAuth=" + useChapAuth + ", iscsiCidrs=" + iscsiCidrs
                + ", nvmeCidrs=" + nvmeCidrs + ", nvmeTransport=" + nvmeTransport + ", replicationTargets="
                + replicationTargets + ", activeBackendId=" + activeBackendId + "]";
    }
}
