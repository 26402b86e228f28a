package io.purebridge.engine.array;

import java.util.List;
import java.util.Optional;

/**
 * Optional capability: volume groups (FlashArray /volume-groups). A volume named
 * {@code <group>/<volume>} belongs to the group and can only be created, renamed into it or
 * recovered while the group is live. Tested with {@code instanceof}.
 */
public interface VolumeGroups {
    /** Separates group and volume in a member volume's name. */
    String SEPARATOR = "/";

    /** ALREADY_EXISTS for a live group of that name; FAILED_PRECONDITION for a destroyed one. */
    VolumeGroupRecord createVolumeGroup(String name, QosLimits qos);

    /** The group, live or destroyed. */
    Optional<VolumeGroupRecord> findVolumeGroup(String name);

    List<VolumeGroupRecord> listVolumeGroups();

    VolumeGroupRecord setVolumeGroupQos(String name, QosLimits qos);

    /** Renames the group and every volume in it. */
    VolumeGroupRecord renameVolumeGroup(String name, String newName);

    /** FAILED_PRECONDITION while the group holds live volumes. */
    VolumeGroupRecord destroyVolumeGroup(String name);

    VolumeGroupRecord recoverVolumeGroup(String name);

    /**
     * Frees a destroyed group's name. With {@code eradicateContents} its destroyed volumes are
     * eradicated too; without it, FAILED_PRECONDITION while it still holds any.
     */
    void eradicateVolumeGroup(String name, boolean eradicateContents);

    /**
     * Moves a live volume into the live group {@code groupName} ({@code "<group>/<volume>"}) or,
     * with {@code ""}, out of its group; returns the volume under its new name.
     */
    VolumeRecord moveVolumeToGroup(String volumeName, String groupName);

    /** The group part of {@code group/volume}, or "" for a volume outside groups. */
    static String groupOf(String volumeName) {
        int slash = volumeName == null ? -1 : volumeName.indexOf(SEPARATOR);
        return slash < 0 ? "" : volumeName.substring(0, slash);
    }
}
