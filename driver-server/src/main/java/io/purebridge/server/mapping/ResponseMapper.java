package io.purebridge.server.mapping;

import io.purebridge.engine.cinder.BackendStats;
import io.purebridge.engine.cinder.ConnectionProperties;
import io.purebridge.engine.cinder.ProviderUpdate;
import io.purebridge.engine.cinder.ProviderUpdates;
import io.purebridge.engine.cinder.RegisteredBackend;
import io.purebridge.engine.cinder.SnapshotModelUpdate;
import io.purebridge.engine.cinder.VolumeModelUpdate;
import io.purebridge.v1.ConnectionInfo;
import io.purebridge.v1.FibreChannelTarget;
import io.purebridge.v1.IscsiTarget;
import io.purebridge.v1.NvmePortal;
import io.purebridge.v1.NvmeofTarget;
import io.purebridge.v1.RegisterBackendResponse;
import io.purebridge.v1.UpdateProviderInfoResponse;
import io.purebridge.v1.VolumeStats;
import io.purebridge.v1.WwnList;
import java.util.List;
import java.util.Map;

/** Engine records to proto messages. Null strings from the engine become "" (proto has no null). */
public final class ResponseMapper {
    /*
     * Fixed per driver_volume_type, exactly as the upstream Pure driver returns them; the engine's
     * records do not carry them because they never vary.
     */
    static final String ADDRESSING_MODE = "SAM2";
    static final boolean ISCSI_TARGET_DISCOVERED = false;
    static final boolean FC_TARGET_DISCOVERED = true;
    static final boolean DISCARD = true;

    private ResponseMapper() {
    }

    public static RegisterBackendResponse registered(RegisteredBackend registered) {
        return RegisterBackendResponse.newBuilder()
                .setArrayName(text(registered.arrayName()))
                .setArrayId(text(registered.arrayId()))
                .setActiveBackendId(text(registered.activeBackendId()))
                .build();
    }

    public static io.purebridge.v1.VolumeModelUpdate volumeUpdate(VolumeModelUpdate update) {
        return io.purebridge.v1.VolumeModelUpdate.newBuilder()
                .setProviderId(text(update.providerId()))
                .setReplicationStatus(text(update.replicationStatus()))
                .putAllMetadata(update.metadata())
                .build();
    }

    public static io.purebridge.v1.SnapshotModelUpdate snapshotUpdate(SnapshotModelUpdate update) {
        return io.purebridge.v1.SnapshotModelUpdate.newBuilder()
                .setProviderId(text(update.providerId()))
                .putAllMetadata(update.metadata())
                .build();
    }

    public static UpdateProviderInfoResponse providerUpdates(ProviderUpdates updates) {
        UpdateProviderInfoResponse.Builder builder = UpdateProviderInfoResponse.newBuilder();
        updates.volumeUpdates().forEach(u -> builder.addVolumeUpdates(providerUpdate(u)));
        updates.snapshotUpdates().forEach(u -> builder.addSnapshotUpdates(providerUpdate(u)));
        return builder.build();
    }

    private static io.purebridge.v1.ProviderUpdate providerUpdate(ProviderUpdate update) {
        return io.purebridge.v1.ProviderUpdate.newBuilder()
                .setId(text(update.id()))
                .setProviderId(text(update.providerId()))
                .putAllMetadata(update.metadata())
                .build();
    }

    public static ConnectionInfo connectionInfo(ConnectionProperties properties) {
        // The interface is sealed to these three shapes.
        if (properties instanceof ConnectionProperties.Iscsi iscsi) {
            return ConnectionInfo.newBuilder().setIscsi(iscsi(iscsi)).build();
        }
        if (properties instanceof ConnectionProperties.FibreChannel fc) {
            return ConnectionInfo.newBuilder().setFibreChannel(fibreChannel(fc)).build();
        }
        if (properties instanceof ConnectionProperties.Nvmeof nvme) {
            return ConnectionInfo.newBuilder().setNvmeof(nvmeof(nvme)).build();
        }
        throw new IllegalStateException("unknown connection properties type " + properties.getClass().getName());
    }

    private static IscsiTarget iscsi(ConnectionProperties.Iscsi iscsi) {
        return IscsiTarget.newBuilder()
                .addAllTargetIqns(iscsi.targetIqns())
                .addAllTargetPortals(iscsi.targetPortals())
                .addAllTargetLuns(iscsi.targetLuns())
                .setTargetDiscovered(ISCSI_TARGET_DISCOVERED)
                .setDiscard(DISCARD)
                .setAddressingMode(ADDRESSING_MODE)
                .setWwn(text(iscsi.wwn()))
                .setAuthMethod(text(iscsi.authMethod()))
                .setAuthUsername(text(iscsi.authUsername()))
                .setAuthPassword(text(iscsi.authPassword()))
                .build();
    }

    private static FibreChannelTarget fibreChannel(ConnectionProperties.FibreChannel fc) {
        FibreChannelTarget.Builder builder = FibreChannelTarget.newBuilder()
                .addAllTargetWwns(fc.targetWwns())
                .addAllTargetLuns(fc.targetLuns())
                .setTargetDiscovered(FC_TARGET_DISCOVERED)
                .setDiscard(DISCARD)
                .setAddressingMode(ADDRESSING_MODE)
                .setWwn(text(fc.wwn()));
        for (Map.Entry<String, List<String>> entry : fc.initiatorTargetMap().entrySet()) {
            builder.putInitiatorTargetMap(entry.getKey(), WwnList.newBuilder().addAllWwns(entry.getValue()).build());
        }
        return builder.build();
    }

    private static NvmeofTarget nvmeof(ConnectionProperties.Nvmeof nvme) {
        NvmeofTarget.Builder builder = NvmeofTarget.newBuilder()
                .setTargetNqn(text(nvme.targetNqn()))
                .setVolumeNguid(text(nvme.volumeNguid()))
                .setDiscard(DISCARD);
        for (ConnectionProperties.NvmePortal portal : nvme.portals()) {
            builder.addPortals(NvmePortal.newBuilder()
                    .setAddress(text(portal.address()))
                    .setPort(portal.port())
                    .setTransport(text(portal.transport())));
        }
        return builder.build();
    }

    public static VolumeStats stats(BackendStats stats) {
        return VolumeStats.newBuilder()
                .setVolumeBackendName(text(stats.volumeBackendName()))
                .setVendorName(text(stats.vendorName()))
                .setDriverVersion(text(stats.driverVersion()))
                .setStorageProtocol(text(stats.storageProtocol()))
                .setTotalCapacityGb(stats.totalCapacityGb())
                .setFreeCapacityGb(stats.freeCapacityGb())
                .setProvisionedCapacityGb(stats.provisionedCapacityGb())
                .setReservedPercentage(stats.reservedPercentage())
                .setMaxOverSubscriptionRatio(stats.maxOverSubscriptionRatio())
                .setThinProvisioningSupport(stats.thinProvisioningSupport())
                .setMultiattach(stats.multiattach())
                .setTotalVolumes(stats.totalVolumes())
                .setTotalSnapshots(stats.totalSnapshots())
                .setTotalHosts(stats.totalHosts())
                .setTotalPgroups(stats.totalPgroups())
                .setReplicationEnabled(stats.replicationEnabled())
                .addAllReplicationType(stats.replicationType())
                .setReplicationCount(stats.replicationCount())
                .addAllReplicationTargets(stats.replicationTargets())
                .setDataReductionRatio(stats.dataReductionRatio())
                .putAllExtra(stats.extra())
                .build();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
