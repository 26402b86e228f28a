package io.purebridge.engine.array;

import java.util.Objects;

/**
 * A private connection between a host and a volume.
 *
 * @param lun the SCSI LUN (also the NVMe namespace id on simulated arrays), from 1
 */
public record ConnectionRecord(String hostName, String volumeName, int lun) {
    public ConnectionRecord {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(volumeName, "volumeName");
    }
}
