package io.purebridge.engine.array;

import java.util.Map;

/**
 * Optional capability of an array that copies many snapshots (or volumes) onto volumes in one
 * operation, as a failover restores a whole protection group snapshot. Tested with
 * {@code instanceof} like {@link ReplicationArray}; callers fall back to {@link FlashArray#copyVolume}.
 */
public interface BulkVolumeCopy {
    /**
     * Copies each source onto its target volume (target name -> source name), creating missing
     * targets and overwriting existing ones, like {@code copyVolume(source, target, true)} for each.
     * Targets must be outside pods. Copies that cannot be done are left out and reported; the others
     * are applied together.
     *
     * @return the error of each target that was not copied, by target name
     */
    Map<String, io.purebridge.engine.error.EngineException> copyVolumes(Map<String, String> sourcesByTarget);
}
