package io.purebridge.server.rest;

import java.util.regex.Pattern;

/** FlashArray object name rules, checked before anything changes. */
final class Names {
    // 1-63 characters: letters, digits, '-' (and '_' for volumes); starts and ends with a letter or digit.
    private static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private Names() {
    }

    /** {@code vol}, {@code pod::vol} or {@code volume-group/vol}. */
    static void checkVolume(String name) {
        int sep = name.indexOf("::");
        int slash = name.indexOf('/');
        boolean ok = slash >= 0 ? sep < 0 && OBJECT.matcher(name.substring(0, slash)).matches()
                && VOLUME.matcher(name.substring(slash + 1)).matches()
                : sep < 0 ? VOLUME.matcher(name).matches()
                : OBJECT.matcher(name.substring(0, sep)).matches() && VOLUME.matcher(name.substring(sep + 2)).matches();
        if (!ok) {
            throw FaRestError.badRequest(name, "Invalid volume name '" + name + "': use 1-63 letters, digits, '-' "
                    + "or '_', starting and ending with a letter or digit (optionally 'pod::' or 'volume-group/'"
                    + " first).");
        }
    }

    static void checkHost(String name) {
        if (!OBJECT.matcher(name).matches()) {
            throw FaRestError.badRequest(name, "Invalid host name '" + name + "': use 1-63 letters, digits or '-', "
                    + "starting and ending with a letter or digit.");
        }
    }

    static void checkSuffix(String suffix) {
        if (!SUFFIX.matcher(suffix).matches()) {
            throw FaRestError.badRequest(suffix, "Invalid snapshot suffix '" + suffix + "': use 1-63 letters, "
                    + "digits or '-', starting and ending with a letter or digit.");
        }
    }

    /** {@code <volume>.<suffix>}. */
    static void checkSnapshot(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            throw FaRestError.badRequest(name, "Invalid snapshot name '" + name + "': expected <volume>.<suffix>.");
        }
        checkVolume(name.substring(0, dot));
        checkSuffix(name.substring(dot + 1));
    }
}
