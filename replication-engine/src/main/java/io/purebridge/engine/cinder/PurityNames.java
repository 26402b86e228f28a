package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.error.EngineException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The upstream driver's naming rules for array objects (reference §3.1). */
public final class PurityNames {
    /** Hosts the driver created and may delete: {@code <name>-<32 hex>-cinder}. */
    public static final Pattern GENERATED_HOST = Pattern.compile(".*-[a-f0-9]{32}-cinder$");
    public static final String VOLUME_SUFFIX = "-cinder";
    public static final String UNMANAGED_SUFFIX = "-unmanaged";
    public static final int MAX_VOLUME_NAME = 63;
    public static final int MAX_SNAPSHOT_NAME = 96;
    private static final int MAX_BASE_NAME = 56;
    private static final String DEFAULT_TEMPLATE_PREFIX = "volume-";

    private PurityNames() {
    }

    /**
     * {@code volume.name + "-cinder"}. Names longer than 56 characters (PowerVC) are left-truncated
     * inside volume_name_template so the result still fits: the template prefix is kept and only the
     * tail of the id part survives.
     */
    public static String volumeName(CinderVolume volume) {
        String base = volume.name();
        if (base.length() > MAX_BASE_NAME) {
            // volume.name = template % name_id; recover the template's prefix from the pair.
            String prefix = base.endsWith(volume.nameId()) && base.length() > volume.nameId().length()
                    ? base.substring(0, base.length() - volume.nameId().length()) : DEFAULT_TEMPLATE_PREFIX;
            if (prefix.length() > MAX_BASE_NAME - 2) {
                // A template prefix that alone passes the limit leaves no room for the id: the
                // name cannot be made to fit, and the array is not asked to try.
                throw EngineException.invalidArgument("VOLUME_NAME_TOO_LONG", "volume.name '"
                        + base.substring(0, 64) + "...' cannot be shortened to a FlashArray volume name: its"
                        + " volume_name_template prefix alone is " + prefix.length() + " characters (at most "
                        + (MAX_BASE_NAME - 2) + ").");
            }
            String idPart = base.substring(prefix.length());
            int keep = MAX_BASE_NAME - (prefix.length() + 2);
            base = prefix + idPart.substring(Math.max(0, idPart.length() - keep));
        }
        return base + VOLUME_SUFFIX;
    }

    /** The array name of a Cinder volume: provider_id when set, else the generated name. */
    public static String arrayVolumeName(CinderVolume volume) {
        return volume.providerId().isEmpty() ? volumeName(volume) : volume.providerId();
    }

    /** {@code <array volume name>.<snapshot.name>}, or the snapshot's provider_id when set. */
    public static String arraySnapshotName(CinderSnapshot snapshot) {
        if (!snapshot.providerId().isEmpty()) {
            return snapshot.providerId();
        }
        return arrayVolumeName(snapshot.volume()) + "." + snapshot.name();
    }

    /**
     * {@code <connector host[:23], non [-a-zA-Z0-9] to '-', leading '-' stripped>-<uuid hex>-cinder}.
     *
     * @param uuidHex connector "system uuid" without dashes, or a random uuid4 hex
     */
    public static String hostName(String connectorHost, String uuidHex) {
        String shortHost = connectorHost.length() > 23 ? connectorHost.substring(0, 23) : connectorHost;
        String clean = shortHost.replaceAll("[^-a-zA-Z0-9]", "-").replaceFirst("^-+", "");
        return clean + "-" + uuidHex.toLowerCase(Locale.ROOT) + VOLUME_SUFFIX;
    }

    public static boolean isGeneratedHost(String hostName) {
        return GENERATED_HOST.matcher(hostName).matches();
    }

    /** {@code <name>-unmanaged}; when that would pass {@code max}, the tail makes room. */
    public static String unmanagedName(String name, int max) {
        if (name.length() + UNMANAGED_SUFFIX.length() <= max) {
            return name + UNMANAGED_SUFFIX;
        }
        return name.substring(0, Math.max(0, max - UNMANAGED_SUFFIX.length())) + UNMANAGED_SUFFIX;
    }

    /**
     * An unmanaged snapshot keeps its volume part (the array only renames the suffix): the suffix
     * becomes {@code <suffix>-unmanaged}, shortened so the full name fits 96 characters.
     */
    public static String unmanagedSnapshotName(String snapshotName) {
        int dot = snapshotName.lastIndexOf('.');
        String volumePart = snapshotName.substring(0, dot + 1);
        String suffix = snapshotName.substring(dot + 1);
        return volumePart + unmanagedName(suffix, MAX_SNAPSHOT_NAME - volumePart.length());
    }

    /** The pod part of {@code pod::volume}, or null. */
    public static String podOf(String arrayName) {
        return ArrayNames.podOf(arrayName).orElse(null);
    }
}
