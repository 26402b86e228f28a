package io.purebridge.engine.sim;

import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.error.EngineException;

/** The simulator's refusals of names that break FlashArray's rules ({@link ArrayNames}), before anything changes. */
final class Names {
    static final String POD_SEPARATOR = ArrayNames.POD_SEPARATOR;
    static final String GROUP_SEPARATOR = ArrayNames.GROUP_SEPARATOR;

    private Names() {
    }

    static void checkVolume(String name) {
        if (!ArrayNames.isVolumeName(name)) {
            throw EngineException.invalidArgument("INVALID_VOLUME_NAME", "Volume name '" + name
                    + "' is invalid: use 1-63 letters, digits, '-' or '_', starting and ending with a letter, digit"
                    + " or '_', optionally prefixed by 'pod::' or 'volume-group/'.");
        }
    }

    static boolean isVolumeName(String name) {
        return ArrayNames.isVolumeName(name);
    }

    /**
     * The pod an object belongs to ({@code pod::vol}, {@code pod::vol.snap},
     * {@code pod::pg.3.pod::vol}), or "" for root objects and replicated copies such as
     * {@code pod:pg.3.pod::vol} on an async target.
     */
    static String podOfObject(String name) {
        return ArrayNames.podOf(name).orElse("");
    }

    static boolean isPodName(String name) {
        return ArrayNames.isObjectName(name);
    }

    static void checkSuffix(String suffix) {
        if (!ArrayNames.isSuffix(suffix)) {
            throw EngineException.invalidArgument("INVALID_SNAPSHOT_SUFFIX", "Snapshot suffix '" + suffix
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit.");
        }
    }

    static void checkVolumeGroup(String name) {
        if (!ArrayNames.isObjectName(name)) {
            throw EngineException.invalidArgument("INVALID_VOLUME_GROUP_NAME", "Volume group name '" + name
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit.");
        }
    }

    static void checkHost(String name) {
        if (!ArrayNames.isObjectName(name)) {
            throw EngineException.invalidArgument("INVALID_HOST_NAME", "Host name '" + name
                    + "' is invalid: use 1-63 letters, digits or '-', starting and ending with a letter or digit.");
        }
    }

    static int snapshotDot(String snapshotName) {
        return ArrayNames.snapshotDot(snapshotName);
    }
}
