package io.purebridge.server.mapping;

import io.purebridge.engine.cinder.BackendConfig;
import io.purebridge.engine.cinder.CinderSnapshot;
import io.purebridge.engine.cinder.CinderGroup;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.QosSpecs;
import io.purebridge.engine.cinder.HostConnector;
import io.purebridge.engine.cinder.StorageProtocol;
import io.purebridge.v1.Connector;
import io.purebridge.v1.Group;
import io.purebridge.v1.RegisterBackendRequest;
import io.purebridge.v1.ReplicationDevice;
import io.purebridge.v1.QosSpec;
import io.purebridge.v1.Snapshot;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeTypeSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Proto messages to engine records. Checks only what the proto marks "Required." (presence of
 * strings, messages and enums); values (sizes, names, options) are the engine's to judge.
 *
 * <p>{@code field} arguments are the proto path of the value, used in error messages.
 */
public final class RequestMapper {
    private RequestMapper() {
    }

    public static String backendName(String backendName) {
        return Required.text(backendName, "backend_name");
    }

    /** Cinder's existing_ref "source-name". */
    public static String sourceName(String sourceName) {
        return Required.text(sourceName, "source_name");
    }

    public static BackendConfig backendConfig(RegisterBackendRequest request) {
        String name = backendName(request.getBackendName());
        List<Map<String, String>> devices = new ArrayList<>();
        for (ReplicationDevice device : request.getReplicationDevicesList()) {
            devices.add(device.getSettingsMap());
        }
        return new BackendConfig(name, protocol(request.getProtocol(), "protocol"),
                request.getOptionsMap(), devices, request.getActiveBackendId());
    }

    public static StorageProtocol protocol(io.purebridge.v1.StorageProtocol protocol, String field) {
        switch (protocol) {
            case STORAGE_PROTOCOL_ISCSI:
                return StorageProtocol.ISCSI;
            case STORAGE_PROTOCOL_FC:
                return StorageProtocol.FC;
            case STORAGE_PROTOCOL_NVME_ROCE:
                return StorageProtocol.NVME_ROCE;
            case STORAGE_PROTOCOL_NVME_TCP:
                return StorageProtocol.NVME_TCP;
            case STORAGE_PROTOCOL_UNSPECIFIED:
            case UNRECOGNIZED:
                throw Required.unspecified(field, protocol.name());
        }
        throw Required.unspecified(field, protocol.name());
    }

    /** A required volume message at {@code field}. */
    public static CinderVolume volume(boolean present, Volume volume, String field) {
        Required.present(present, field);
        return volume(volume, field);
    }

    public static CinderVolume volume(Volume volume, String field) {
        return new CinderVolume(
                Required.text(volume.getId(), field + ".id"),
                Required.text(volume.getNameId(), field + ".name_id"),
                Required.text(volume.getName(), field + ".name"),
                volume.getProviderId(),
                volume.getSizeGib(),
                volume.getVolumeTypeExtraSpecsMap(),
                volume.getReplicationStatus(),
                volume.hasQosSpec() ? qosSpec(volume.getQosSpec()) : null,
                volume.hasGroup() ? group(volume.getGroup(), field + ".group") : null,
                volume.getMetadataMap());
    }

    /** A required group message at {@code field}. */
    public static CinderGroup group(boolean present, Group group, String field) {
        Required.present(present, field);
        return group(group, field);
    }

    public static CinderGroup group(Group group, String field) {
        return new CinderGroup(Required.text(group.getId(), field + ".id"), group.getGroupTypeSpecsMap(),
                group.getVolumeTypesList().stream().map(VolumeTypeSpecs::getExtraSpecsMap).toList(),
                group.getReplicationStatus());
    }

    /** A volume type's associated qos-spec. */
    public static QosSpecs.VolumeTypeQos qosSpec(QosSpec spec) {
        return new QosSpecs.VolumeTypeQos(spec.getConsumer(), spec.getSpecsMap());
    }

    /** A volume type's extra specs (proto maps are never null; empty means no replication). */
    public static Map<String, String> extraSpecs(Map<String, String> specs) {
        return Map.copyOf(specs);
    }

    /** A required snapshot message at {@code field}. */
    public static CinderSnapshot snapshot(boolean present, Snapshot snapshot, String field) {
        Required.present(present, field);
        return snapshot(snapshot, field);
    }

    public static CinderSnapshot snapshot(Snapshot snapshot, String field) {
        String id = Required.text(snapshot.getId(), field + ".id");
        String name = Required.text(snapshot.getName(), field + ".name");
        CinderVolume volume = volume(snapshot.hasVolume(), snapshot.getVolume(), field + ".volume");
        return new CinderSnapshot(id, name, snapshot.getProviderId(), volume, snapshot.getVolumeSizeGib(),
                snapshot.getMetadataMap());
    }

    public static List<CinderVolume> volumes(List<Volume> volumes, String field) {
        List<CinderVolume> result = new ArrayList<>(volumes.size());
        for (int i = 0; i < volumes.size(); i++) {
            result.add(volume(volumes.get(i), field + "[" + i + "]"));
        }
        return result;
    }

    public static List<CinderSnapshot> snapshots(List<Snapshot> snapshots, String field) {
        List<CinderSnapshot> result = new ArrayList<>(snapshots.size());
        for (int i = 0; i < snapshots.size(); i++) {
            result.add(snapshot(snapshots.get(i), field + "[" + i + "]"));
        }
        return result;
    }

    /** A required connector message at {@code field}. */
    public static HostConnector connector(boolean present, Connector connector, String field) {
        Required.present(present, field);
        return connector(connector, field);
    }

    public static HostConnector connector(Connector connector, String field) {
        return new HostConnector(
                Required.text(connector.getHost(), field + ".host"),
                connector.getInitiator(),
                connector.getWwpnsList(),
                connector.getWwnnsList(),
                connector.getNqn(),
                connector.getSystemUuid(),
                connector.getIp(),
                connector.getMultipath());
    }
}
