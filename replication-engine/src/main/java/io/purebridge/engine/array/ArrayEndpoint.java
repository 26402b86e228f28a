package io.purebridge.engine.array;

import java.util.Objects;

/**
 * Where an array is and how to authenticate to it: cinder.conf's san_ip and pure_api_token (or a
 * replication_device's san_ip and api_token). {@code sim://NAME} means a simulated array hosted by
 * this service.
 *
 * @param sslCertPath CA bundle to verify the array's certificate with, or null
 */
public record ArrayEndpoint(String sanIp, String apiToken, boolean sslCertVerify, String sslCertPath) {
    public static final String SIMULATOR_SCHEME = "sim://";

    public ArrayEndpoint {
        Objects.requireNonNull(sanIp, "sanIp");
        Objects.requireNonNull(apiToken, "apiToken");
    }

    public boolean isSimulated() {
        return sanIp.startsWith(SIMULATOR_SCHEME);
    }

    /** The simulated array's name for {@code sim://NAME}. */
    public String simulatedArrayName() {
        return sanIp.substring(SIMULATOR_SCHEME.length());
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "ArrayEndpoint[sanIp=" + sanIp + ", apiToken=****, sslCertVerify=" + sslCertVerify
                + ", sslCertPath=" + sslCertPath + "]";
    }
}
