package io.purebridge.engine.cinder;

import io.purebridge.engine.error.EngineException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code fd00::/64}, for pure_iscsi_cidr and
 * pure_nvme_cidr. An IPv4 range never contains an IPv6 address and vice versa.
 */
public final class CidrRange {
    private final String text;
    private final byte[] network;
    private final int prefix;

    private CidrRange(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @param option the option the value came from, named in the error
     * @throws EngineException INVALID_ARGUMENT, reason INVALID_CIDR
     */
    public static CidrRange parse(String value, String option) {
        String trimmed = value.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literalAddress(address);
        if (bytes == null) {
            throw invalid(value, option);
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw invalid(value, option);
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw invalid(value, option);
            }
        }
        return new CidrRange(trimmed, mask(bytes, prefix), prefix);
    }

    /** True if {@code address} (an IP literal, IPv6 optionally in brackets) lies in this range. */
    public boolean contains(String address) {
        String bare = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        byte[] bytes = literalAddress(bare);
        if (bytes == null || bytes.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(bytes, prefix), network);
    }

    /** Parses IP literals only: never resolves a host name. */
    private static byte[] literalAddress(String address) {
        boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : address.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xff << (8 - bits)));
        }
        return masked;
    }

    private static EngineException invalid(String value, String option) {
        return EngineException.invalidArgument("INVALID_CIDR", option + ": '" + value
                + "' is not a CIDR; use an IPv4 or IPv6 network such as 10.0.0.0/24 or fd00::/64.");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CidrRange that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
