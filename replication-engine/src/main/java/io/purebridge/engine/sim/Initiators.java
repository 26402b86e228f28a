package io.purebridge.engine.sim;

import io.purebridge.engine.error.EngineException;
import java.util.Locale;

/** Validation and normal forms of host initiators. WWNs are kept as 16 upper-case hex digits. */
final class Initiators {
    private Initiators() {
    }

    static String checkIqn(String iqn) {
        String lower = iqn == null ? "" : iqn.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("iqn.") || lower.startsWith("eui.") || lower.startsWith("naa."))
                || lower.length() > 223 || iqn.chars().anyMatch(Character::isWhitespace)) {
            throw EngineException.invalidArgument("INVALID_IQN", "IQN '" + iqn
                    + "' is invalid: expected iqn.YYYY-MM.reverse.domain:name (or eui./naa.), at most 223 characters.");
        }
        return iqn;
    }

    static String checkNqn(String nqn) {
        if (nqn == null || !nqn.toLowerCase(Locale.ROOT).startsWith("nqn.") || nqn.length() > 223
                || nqn.chars().anyMatch(Character::isWhitespace)) {
            throw EngineException.invalidArgument("INVALID_NQN", "NQN '" + nqn
                    + "' is invalid: expected nqn.YYYY-MM.reverse.domain:name, at most 223 characters.");
        }
        return nqn;
    }

    static String normalizeWwn(String wwn) {
        String normal = asWwn(wwn);
        if (normal == null) {
            throw EngineException.invalidArgument("INVALID_WWN", "WWN '" + wwn
                    + "' is invalid: expected 16 hex digits, with or without colons.");
        }
        return normal;
    }

    /** 16 upper-case hex digits, or null when {@code s} is not a WWN. */
    static String asWwn(String s) {
        if (s == null) {
            return null;
        }
        String hex = s.replace(":", "").toUpperCase(Locale.ROOT);
        if (hex.length() != 16 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
            return null;
        }
        return hex;
    }
}
