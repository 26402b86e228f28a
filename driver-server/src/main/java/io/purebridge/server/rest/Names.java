package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.purebridge.engine.array.ArrayNames;

/** The REST front end's 400s for names that break FlashArray's rules ({@link ArrayNames}), before anything changes. */
final class Names {
    private Names() {
    }

    /** {@code vol}, {@code pod::vol} or {@code volume-group/vol}. */
    static void checkVolume(String name) {
        if (!ArrayNames.isVolumeName(name)) {
            throw FaRestError.badRequest(name, "Invalid volume name '" + name + "': use 1-63 letters, digits, '-' "
                    + "or '_', starting and ending with a letter, digit or '_' (optionally 'pod::' or "
                    + "'volume-group/' first).");
        }
    }

    static void checkHost(String name) {
        if (!ArrayNames.isObjectName(name)) {
            throw FaRestError.badRequest(name, "Invalid host name '" + name + "': use 1-63 letters, digits or '-', "
                    + "starting and ending with a letter or digit.");
        }
    }

    /** The body's {@code suffix}, checked, or null when it gives none. */
    static String optionalSuffix(JsonNode body) {
        String suffix = Bodies.textField(body, "suffix");
        if (suffix != null) {
            checkSuffix(suffix);
        }
        return suffix;
    }

    static void checkSuffix(String suffix) {
        if (!ArrayNames.isSuffix(suffix)) {
            throw FaRestError.badRequest(suffix, "Invalid snapshot suffix '" + suffix + "': use 1-63 letters, "
                    + "digits or '-', starting and ending with a letter or digit.");
        }
    }

    /** {@code <volume>.<suffix>}. */
    static void checkSnapshot(String name) {
        int dot = ArrayNames.snapshotDot(name);
        if (dot <= 0) {
            throw FaRestError.badRequest(name, "Invalid snapshot name '" + name + "': expected <volume>.<suffix>.");
        }
        checkVolume(name.substring(0, dot));
        checkSuffix(name.substring(dot + 1));
    }
}
