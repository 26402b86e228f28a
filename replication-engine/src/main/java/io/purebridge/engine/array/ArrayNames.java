package io.purebridge.engine.array;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * FlashArray's object names, one model for the simulator, the REST front end and the Cinder layer
 * (reference flasharray-rest.md §5):
 * <ul>
 *   <li>hosts, pods, protection groups, volume groups: 1-63 letters, digits or '-', starting and
 *       ending with a letter or digit;</li>
 *   <li>volumes: the same, '_' allowed too, optionally {@code pod::vol} or {@code vgroup/vol};</li>
 *   <li>snapshot suffixes: 1-63 letters, digits or '-', starting and ending with a letter or digit;
 *       a snapshot is {@code <volume>.<suffix>}, a protection-group snapshot {@code <pg>.<N>}, its
 *       volume copy {@code <pg>.<N>.<volume>};</li>
 *   <li>on an async target a source's group is {@code <source array>:<pg>}, and a pod's group
 *       {@code <pod>:<pg>} ({@code ::} becomes {@code :}).</li>
 * </ul>
 * Pure functions only; each boundary turns a refusal into its own error (EngineException, a REST 400).
 */
public final class ArrayNames {
    public static final String POD_SEPARATOR = "::";
    public static final String GROUP_SEPARATOR = "/";
    public static final String REMOTE_SEPARATOR = ":";
    public static final int MAX_NAME = 63;

    private static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern VOLUME_PART = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern SUFFIX = OBJECT;

    private ArrayNames() {
    }

    /** A host, pod, protection group or volume group name. */
    public static boolean isObjectName(String name) {
        return name != null && OBJECT.matcher(name).matches();
    }

    /** {@code vol}, {@code pod::vol} or {@code vgroup/vol}. */
    public static boolean isVolumeName(String name) {
        if (name == null) {
            return false;
        }
        int slash = name.indexOf(GROUP_SEPARATOR);
        int sep = name.indexOf(POD_SEPARATOR);
        if (slash >= 0) {
            return sep < 0 && isObjectName(name.substring(0, slash))
                    && VOLUME_PART.matcher(name.substring(slash + 1)).matches();
        }
        if (sep < 0) {
            return VOLUME_PART.matcher(name).matches();
        }
        return isObjectName(name.substring(0, sep)) && VOLUME_PART.matcher(name.substring(sep + 2)).matches();
    }

    public static boolean isSuffix(String suffix) {
        return suffix != null && SUFFIX.matcher(suffix).matches();
    }

    /** {@code <volume>.<suffix>}. */
    public static boolean isSnapshotName(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot > 0 && isVolumeName(name.substring(0, dot)) && isSuffix(name.substring(dot + 1));
    }

    /** The pod of {@code pod::object} (a volume, a group, their snapshots); empty outside pods. */
    public static Optional<String> podOf(String name) {
        int sep = name == null ? -1 : name.indexOf(POD_SEPARATOR);
        if (sep <= 0) {
            return Optional.empty();
        }
        String pod = name.substring(0, sep);
        return isObjectName(pod) ? Optional.of(pod) : Optional.empty();
    }

    /** The name without its pod: {@code vol} for {@code pod::vol}, the name itself outside pods. */
    public static String withoutPod(String name) {
        int sep = name.indexOf(POD_SEPARATOR);
        return sep < 0 ? name : name.substring(sep + POD_SEPARATOR.length());
    }

    /** {@code pod::name}, or the name itself for an empty pod. */
    public static String inPod(String pod, String name) {
        return pod == null || pod.isEmpty() ? name : pod + POD_SEPARATOR + name;
    }

    /**
     * How a protection group appears on its async targets: {@code <source array>:<pg>}, or for a
     * group inside a pod {@code <pod>:<pg>}.
     */
    public static String remoteGroupName(String sourceArray, String group) {
        return group.contains(POD_SEPARATOR) ? group.replace(POD_SEPARATOR, REMOTE_SEPARATOR)
                : sourceArray + REMOTE_SEPARATOR + group;
    }

    /** {@code <group snapshot>.<volume>}: a volume's copy inside a protection-group snapshot. */
    public static String groupSnapshotVolumeName(String groupSnapshot, String volume) {
        return groupSnapshot + "." + volume;
    }

    /** Index of the '.' separating volume and suffix in a snapshot name, or -1. */
    public static int snapshotDot(String snapshotName) {
        return snapshotName == null ? -1 : snapshotName.lastIndexOf('.');
    }
}
