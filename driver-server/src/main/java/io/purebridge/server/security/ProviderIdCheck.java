package io.purebridge.server.security;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.LocatedNames;
import io.purebridge.engine.cinder.PurityNames;
import io.purebridge.engine.error.EngineException;
import io.purebridge.server.mapping.RequestMapper;
import io.purebridge.v1.Snapshot;
import io.purebridge.v1.Volume;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider_id names the array object a call acts on, so it must be the name this backend gives
 * the Cinder object it comes with: {@code volume-<id>-cinder} (the volume's name plus
 * {@code -cinder}, as the engine computes it), optionally inside a pod ({@code <pod>::}) or a volume
 * group ({@code <group>/}, from the type's flasharray:vg_name), and for a
 * snapshot that volume name, a dot and the snapshot's name (or, for a member of a group snapshot,
 * {@code consisgroup-<id>-cinder.cgsnapshot-<id>-cinder.<that volume name>}). Anything else (another backend's
 * volume, a volume Cinder never made, a name with no dot) is refused before the engine sees it:
 * PERMISSION_DENIED naming the field. Every Volume and Snapshot anywhere in the request is checked,
 * including those in lists (UpdateProviderInfo) and inside snapshots.
 */
final class ProviderIdCheck {
    /** A pod prefix as the array names pods: letters, digits and '-', starting with a letter or digit. */
    private static final Pattern POD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
    /** A member of a consistency group snapshot: {@code <pg>.cgsnapshot-<id>-cinder.<volume>}. */
    private static final Pattern GROUP_MEMBER = Pattern.compile(
            "consisgroup-[0-9a-f-]{36}-cinder\\.cgsnapshot-[0-9a-f-]{36}-cinder\\.(.+)");

    private ProviderIdCheck() {
    }

    /** The refusal for the first foreign provider_id in {@code message}, or null when all are the backend's. */
    static StatusRuntimeException check(Message message) {
        return walk(message, "");
    }

    private static StatusRuntimeException walk(Message message, String path) {
        if (message instanceof Volume volume) {
            return volume(volume, path.isEmpty() ? "volume" : path);
        }
        if (message instanceof Snapshot snapshot) {
            return snapshot(snapshot, path.isEmpty() ? "snapshot" : path);
        }
        for (var entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
                continue;
            }
            String here = path.isEmpty() ? field.getName() : path + "." + field.getName();
            if (field.isRepeated()) {
                List<?> items = (List<?>) entry.getValue();
                for (int i = 0; i < items.size(); i++) {
                    StatusRuntimeException refusal = walk((Message) items.get(i), here + "[" + i + "]");
                    if (refusal != null) {
                        return refusal;
                    }
                }
            } else {
                StatusRuntimeException refusal = walk((Message) entry.getValue(), here);
                if (refusal != null) {
                    return refusal;
                }
            }
        }
        return null;
    }

    private static StatusRuntimeException volume(Volume volume, String path) {
        if (volume.getProviderId().isEmpty()) {
            return null;
        }
        Expected expected = expectedVolumeName(volume, path);
        if (expected.refusal() != null || expected.name() == null) {
            return expected.refusal();
        }
        if (!withoutPod(volume.getProviderId()).equals(expected.name())) {
            return refused(path + ".provider_id", volume.getProviderId(), expected.name());
        }
        return null;
    }

    private static StatusRuntimeException snapshot(Snapshot snapshot, String path) {
        StatusRuntimeException inner = snapshot.hasVolume() ? volume(snapshot.getVolume(), path + ".volume") : null;
        if (inner != null || snapshot.getProviderId().isEmpty() || !snapshot.hasVolume()
                || snapshot.getId().isEmpty() || snapshot.getName().isEmpty()) {
            // Without its volume, id or name the call itself refuses the snapshot (they are required).
            return inner;
        }
        Expected volumeName = expectedVolumeName(snapshot.getVolume(), path + ".volume");
        if (volumeName.refusal() != null || volumeName.name() == null) {
            return volumeName.refusal();
        }
        String expected = volumeName.name() + "." + snapshot.getName();
        Matcher member = GROUP_MEMBER.matcher(snapshot.getProviderId());
        if (member.matches() && withoutPod(member.group(1)).equals(volumeName.name())) {
            return null; // the volume's snapshot inside one of its group's snapshots
        }
        if (!withoutPod(snapshot.getProviderId()).equals(expected)) {
            return refused(path + ".provider_id", snapshot.getProviderId(), expected);
        }
        return null;
    }

    /** The backend's name for a volume, or why it has none. Both null: the call refuses the volume itself. */
    private record Expected(String name, StatusRuntimeException refusal) {
    }

    private static Expected expectedVolumeName(Volume volume, String path) {
        CinderVolume mapped;
        try {
            mapped = RequestMapper.volume(volume, path);
        } catch (EngineException e) {
            // A required field is missing: the call answers INVALID_ARGUMENT naming it, before
            // any use of provider_id.
            return new Expected(null, null);
        }
        try {
            return new Expected(PurityNames.volumeName(mapped), null);
        } catch (EngineException e) {
            return new Expected(null, Refusals.status(Status.Code.INVALID_ARGUMENT, e.reason(), e.getMessage()));
        }
    }

    /**
     * The name without its pod ({@code <pod>::}) or volume group ({@code <group>/}) prefix, and without
     * the {@code <target array>:} of a volume failed over with its replicated group (the engine
     * serves only the backend's own replication targets there).
     */
    private static String withoutPod(String located) {
        String providerId = LocatedNames.withoutArray(located);
        int sep = providerId.indexOf("::");
        if (sep >= 0) {
            return POD.matcher(providerId.substring(0, sep)).matches() ? providerId.substring(sep + 2) : providerId;
        }
        int slash = providerId.indexOf('/');
        if (slash >= 0) {
            return POD.matcher(providerId.substring(0, slash)).matches() ? providerId.substring(slash + 1) : providerId;
        }
        return providerId;
    }

    private static StatusRuntimeException refused(String field, String providerId, String expected) {
        return Refusals.status(Status.Code.PERMISSION_DENIED, "PROVIDER_ID_FOREIGN", "Invalid " + field + " '"
                + BackendCredentials.shown(providerId) + "': it is not this backend's name for the object"
                + (expected == null ? "" : " (expected '" + BackendCredentials.shown(expected) + "', optionally in a pod)")
                + ".");
    }
}
