package io.purebridge.server.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A FlashArray name pattern where {@code *} matches any run of characters and every other
 * character matches itself. Matching takes time linear in the pattern plus the text, whatever the
 * input: the pattern is split at its stars, the first piece must be a prefix, the last a suffix,
 * and the pieces between are found leftmost-first with Knuth-Morris-Pratt. Leftmost is always
 * right for star-only patterns (an earlier match leaves more text for the rest), so nothing is ever
 * retried. A regular expression such as {@code .*a.*a.*b} backtracks exponentially instead.
 */
final class Glob {
    private final String prefix;
    private final String suffix;
    private final List<String> middle;
    private final List<int[]> failure;
    private final boolean hasStar;

    private Glob(String pattern) {
        List<String> pieces = split(pattern);
        this.hasStar = pieces.size() > 1;
        this.prefix = pieces.get(0);
        this.suffix = hasStar ? pieces.get(pieces.size() - 1) : "";
        this.middle = hasStar ? List.copyOf(pieces.subList(1, pieces.size() - 1)) : List.of();
        List<int[]> tables = new ArrayList<>();
        for (String piece : middle) {
            tables.add(failureTable(piece));
        }
        this.failure = tables;
    }

    static Glob compile(String pattern) {
        return new Glob(Objects.requireNonNull(pattern, "pattern"));
    }

    /** True if the whole of {@code text} matches. */
    boolean matches(String text) {
        if (!hasStar) {
            return text.equals(prefix);
        }
        if (text.length() < prefix.length() + suffix.length()
                || !text.startsWith(prefix) || !text.endsWith(suffix)) {
            return false;
        }
        int from = prefix.length();
        int end = text.length() - suffix.length();
        for (int i = 0; i < middle.size(); i++) {
            int at = find(text, from, end, middle.get(i), failure.get(i));
            if (at < 0) {
                return false;
            }
            from = at + middle.get(i).length();
        }
        return true;
    }

    /** Splits at '*', dropping the empty pieces between adjacent stars (they change nothing). */
    private static List<String> split(String pattern) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                pieces.add(piece.toString());
                piece.setLength(0);
            } else {
                piece.append(c);
            }
        }
        pieces.add(piece.toString());
        if (pieces.size() <= 2) {
            return pieces;
        }
        List<String> out = new ArrayList<>();
        out.add(pieces.get(0));
        for (int i = 1; i < pieces.size() - 1; i++) {
            if (!pieces.get(i).isEmpty()) {
                out.add(pieces.get(i));
            }
        }
        out.add(pieces.get(pieces.size() - 1));
        return out;
    }

    private static int[] failureTable(String needle) {
        int[] table = new int[needle.length()];
        int k = 0;
        for (int i = 1; i < needle.length(); i++) {
            while (k > 0 && needle.charAt(i) != needle.charAt(k)) {
                k = table[k - 1];
            }
            if (needle.charAt(i) == needle.charAt(k)) {
                k++;
            }
            table[i] = k;
        }
        return table;
    }

    /** Leftmost start of {@code needle} inside text[from, end), or -1. */
    private static int find(String text, int from, int end, String needle, int[] table) {
        int k = 0;
        for (int i = from; i < end; i++) {
            while (k > 0 && text.charAt(i) != needle.charAt(k)) {
                k = table[k - 1];
            }
            if (text.charAt(i) == needle.charAt(k)) {
                k++;
            }
            if (k == needle.length()) {
                return i - needle.length() + 1;
            }
        }
        return -1;
    }
}
