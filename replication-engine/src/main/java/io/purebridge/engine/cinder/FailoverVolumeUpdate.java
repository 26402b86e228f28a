package io.purebridge.engine.cinder;

import java.util.Map;
import java.util.Objects;

/**
 * What Cinder's manager stores for one volume after a failover or failback
 * ({@code {'volume_id': id, 'updates': {...}}}).
 *
 * @param volumeId the Cinder volume id
 * @param status "error" when the volume could not be recovered, else "" (status unchanged)
 * @param replicationStatus "failed-over", "enabled" (after failback), "failover-error", "error"
 *     (failed failback) or "not-capable" (a volume that is not replicated)
 * @param providerId the volume's array name on the array now serving it, or "" when unchanged
 * @param metadata array_volume_name and array_name to merge, empty when unchanged
 * @param detail why a volume is in error (logged by the shim), else ""
 */
public record FailoverVolumeUpdate(
        String volumeId,
        String status,
        String replicationStatus,
        String providerId,
        Map<String, String> metadata,
        String detail) {
    public static final String FAILED_OVER = "failed-over";
    public static final String FAILOVER_ERROR = "failover-error";
    public static final String NOT_CAPABLE = "not-capable";
    public static final String ERROR = "error";

    public FailoverVolumeUpdate {
        Objects.requireNonNull(volumeId, "volumeId");
        status = status == null ? "" : status;
        replicationStatus = replicationStatus == null ? "" : replicationStatus;
        providerId = providerId == null ? "" : providerId;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        detail = detail == null ? "" : detail;
    }

    static FailoverVolumeUpdate moved(String volumeId, String replicationStatus, String providerId, String arrayName) {
        return new FailoverVolumeUpdate(volumeId, "", replicationStatus, providerId,
                Map.of("array_volume_name", providerId, "array_name", arrayName), "");
    }

    static FailoverVolumeUpdate failed(String volumeId, String replicationStatus, String detail) {
        return new FailoverVolumeUpdate(volumeId, ERROR, replicationStatus, "", Map.of(), detail);
    }

    public boolean failed() {
        return ERROR.equals(status);
    }
}
