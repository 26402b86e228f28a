package io.purebridge.engine.sim;

import io.purebridge.engine.error.EngineException;
import java.util.regex.Pattern;

/** FlashArray name rules, checked before anything is changed. */
final class Names {
    static final String POD_SEPARATOR = "::";
    static final String GROUP_SEPARATOR = "/";
    private static final Pattern VOLUME_PART = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?");

    private Names() {
    }

    /**
     * {@code vol}, {@code pod::vol} or {@code group/vol}; pod and volume parts 1-63 characters of
     * letters, digits, '_' and '-', group names as {@link #checkVolumeGroup}.
     */
    static void checkVolume(String name) {
        if (name == null || !isVolumeName(name)) {
            throw EngineException.invalidArgument("INVALID_VOLUME_NAME", "Volume name '" + name
                    + "' is invalid: use 1-63 letters, digits, '_' or '-', optionally prefixed by 'pod::' or"
                    + " 'volume-group/'.");
        }
    }

    static boolean isVolumeName(String name) {
        int slash = name.indexOf(GROUP_SEPARATOR);
        if (slash >= 0) {
            return HOST.matcher(name.substring(0, slash)).matches()
                    && VOLUME_PART.matcher(name.substring(slash + 1)).matches();
        }
        int sep = name.indexOf(POD_SEPARATOR);
        if (sep < 0) {
            return VOLUME_PART.matcher(name).matches();
        }
        return VOLUME_PART.matcher(name.substring(0, sep)).matches()
                && VOLUME_PART.matcher(name.substring(sep + 2)).matches();
    }

    /** The pod part of {@code pod::vol}, or "" outside pods. */
    static String podOf(String volumeName) {
        int sep = volumeName.indexOf(POD_SEPARATOR);
        return sep < 0 ? "" : volumeName.substring(0, sep);
    }

    /**
     * The pod an object belongs to ({@code pod::vol}, {@code pod::vol.snap},
     * {@code pod::pg.3.pod::vol}), or "" for root objects and replicated copies such as
     * {@code pod:pg.3.pod::vol} on an async target.
     */
    static String podOfObject(String name) {
        int sep = name == null ? -1 : name.indexOf(POD_SEPARATOR);
        if (sep <= 0) {
            return "";
        }
        String pod = name.substring(0, sep);
        return VOLUME_PART.matcher(pod).matches() ? pod : "";
    }

    static boolean isPodName(String name) {
        return name != null && VOLUME_PART.matcher(name).matches();
    }

    static void checkSuffix(String suffix) {
        if (suffix == null || !SUFFIX.matcher(suffix).matches()) {
            throw EngineException.invalidArgument("INVALID_SNAPSHOT_SUFFIX", "Snapshot suffix '" + suffix
                    + "' is invalid: use 1-63 letters, digits, '_' or '-',"
                    + " starting and ending with a letter or digit.");
        }
    }

    /** Volume groups: 1-63 letters, digits or '-', starting and ending with a letter or digit. */
    static void checkVolumeGroup(String name) {
        if (name == null || !HOST.matcher(name).matches()) {
            throw EngineException.invalidArgument("INVALID_VOLUME_GROUP_NAME", "Volume group name '" + name
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit.");
        }
    }

    static void checkHost(String name) {
        if (name == null || !HOST.matcher(name).matches()) {
            throw EngineException.invalidArgument("INVALID_HOST_NAME", "Host name '" + name
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit.");
        }
    }

    /** Index of the '.' separating volume and suffix in a snapshot name, or -1. */
    static int snapshotDot(String snapshotName) {
        return snapshotName == null ? -1 : snapshotName.lastIndexOf('.');
    }
}
