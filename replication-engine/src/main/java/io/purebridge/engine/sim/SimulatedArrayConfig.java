package io.purebridge.engine.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * One simulated array as the service config's [arrays] section defines it.
 *
 * @param name the array's name, reached as {@code sim://NAME}
 * @param apiToken the token clients must present; never printed
 * @param capacityBytes usable physical capacity reported in space
 * @param eradicationDelay how long destroyed objects wait before automatic eradication
 */
public record SimulatedArrayConfig(String name, String apiToken, long capacityBytes, Duration eradicationDelay) {
    public static final long DEFAULT_CAPACITY_BYTES = 10L << 40;
    public static final Duration DEFAULT_ERADICATION_DELAY = Duration.ofHours(24);

    public SimulatedArrayConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(apiToken, "apiToken");
        Objects.requireNonNull(eradicationDelay, "eradicationDelay");
        if (!Names.isVolumeName(name) || name.contains(Names.POD_SEPARATOR)
                || name.contains(Names.GROUP_SEPARATOR)) {
            throw new IllegalArgumentException("simulated array name '" + name
                    + "' is invalid: use 1-63 letters, digits, '_' or '-'");
        }
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes of array " + name + " must be positive");
        }
        if (eradicationDelay.isNegative()) {
            throw new IllegalArgumentException("eradicationDelay of array " + name + " must not be negative");
        }
    }

    /** An array with default capacity (10 TiB) and eradication delay (24 h). */
    public static SimulatedArrayConfig of(String name, String apiToken) {
        return new SimulatedArrayConfig(name, apiToken, DEFAULT_CAPACITY_BYTES, DEFAULT_ERADICATION_DELAY);
    }

    @Override
    public String toString() {
        return "SimulatedArrayConfig[name=" + name + ", apiToken=****, capacityBytes=" + capacityBytes
                + ", eradicationDelay=" + eradicationDelay + "]";
    }
}
