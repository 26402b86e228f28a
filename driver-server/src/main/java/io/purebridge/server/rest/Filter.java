package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The subset of the FlashArray {@code filter} grammar clients use: {@code field op value} with
 * {@code = != > >= < <=}, {@code and}, {@code or}, {@code not}, parentheses, {@code contains(f,'x')},
 * a bare field (exists), {@code field = ('a','b')} (in), dotted sub-fields, list fields matching
 * when any element matches ({@code [all]} for every element), quoted strings with {@code *}
 * wildcards, numbers and booleans. WWNs compare without colons and case.
 */
final class Filter {
    /** Longest filter accepted, in characters; real clients send a few dozen. */
    static final int MAX_LENGTH = 4096;
    /** Deepest nesting of parentheses and {@code not} accepted. */
    static final int MAX_DEPTH = 32;
    /** Most tokens accepted; bounds the chain of and/or predicates built from them. */
    static final int MAX_TOKENS = 512;

    private final String text;
    private final List<String> tokens;
    private int pos;
    private int depth;

    private Filter(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /** Parses a filter; a syntax error or an input past the limits is a 400 naming the filter. */
    static Predicate<JsonNode> parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw FaRestError.badRequest(null, "Invalid filter: longer than " + MAX_LENGTH + " characters.");
        }
        Filter f = new Filter(text);
        if (f.tokens.size() > MAX_TOKENS) {
            throw f.error("more than " + MAX_TOKENS + " terms");
        }
        Predicate<JsonNode> p = f.orExpr();
        if (f.pos != f.tokens.size()) {
            throw f.error("unexpected '" + f.tokens.get(f.pos) + "'");
        }
        return p;
    }

    private FaRestError error(String what) {
        return FaRestError.badRequest(null, "Invalid filter: " + what + " in \"" + shown(text) + "\".");
    }

    /** The filter as quoted in an error: long ones are cut so the answer stays small. */
    private static String shown(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw error("unexpected end");
        }
        return tokens.get(pos++);
    }

    private void expect(String t) {
        String got = next();
        if (!got.equals(t)) {
            throw error("expected '" + t + "' but found '" + got + "'");
        }
    }

    private boolean keyword(String word) {
        String t = peek();
        if (t != null && t.equalsIgnoreCase(word)) {
            pos++;
            return true;
        }
        return false;
    }

    private Predicate<JsonNode> orExpr() {
        Predicate<JsonNode> left = andExpr();
        while (keyword("or")) {
            left = left.or(andExpr());
        }
        return left;
    }

    private Predicate<JsonNode> andExpr() {
        Predicate<JsonNode> left = unary();
        while (keyword("and")) {
            left = left.and(unary());
        }
        return left;
    }

    private Predicate<JsonNode> unary() {
        if (keyword("not")) {
            enter();
            Predicate<JsonNode> inner = unary().negate();
            depth--;
            return inner;
        }
        if ("(".equals(peek())) {
            pos++;
            enter();
            Predicate<JsonNode> inner = orExpr();
            expect(")");
            depth--;
            return inner;
        }
        if ("contains".equalsIgnoreCase(peek()) && pos + 1 < tokens.size() && "(".equals(tokens.get(pos + 1))) {
            pos += 2;
            Field field = field();
            expect(",");
            Object value = literal(next());
            expect(")");
            String needle = String.valueOf(value);
            return node -> field.values(node).stream().anyMatch(v -> !v.isContainerNode()
                    && field.normalize(v.asText()).contains(field.normalize(needle)));
        }
        return comparison();
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Predicate<JsonNode> comparison() {
        Field field = field();
        String op = peek();
        if (op == null || !List.of("=", "!=", ">", ">=", "<", "<=").contains(op)) {
            // A bare boolean field is its value (is_local); any other bare field means "exists".
            return node -> field.values(node).stream().anyMatch(v -> v.isBoolean() ? v.asBoolean() : !v.isNull());
        }
        pos++;
        List<Object> values = new ArrayList<>();
        if ("(".equals(peek())) {
            pos++;
            values.add(literal(next()));
            while (",".equals(peek())) {
                pos++;
                values.add(literal(next()));
            }
            expect(")");
        } else {
            values.add(literal(next()));
        }
        return node -> {
            List<JsonNode> found = field.values(node);
            if (found.isEmpty()) {
                return op.equals("!=");
            }
            Predicate<JsonNode> one = v -> values.stream().anyMatch(want -> compare(field, v, op, want));
            if (op.equals("!=")) {
                one = v -> values.stream().allMatch(want -> compare(field, v, op, want));
            }
            return field.all ? found.stream().allMatch(one) : found.stream().anyMatch(one);
        };
    }

    private static boolean compare(Field field, JsonNode actual, String op, Object want) {
        if (actual.isNull() || actual.isContainerNode()) {
            return op.equals("!=");
        }
        int cmp;
        if (want instanceof Double d && actual.isNumber()) {
            cmp = Double.compare(actual.asDouble(), d);
        } else if (want instanceof Double d && actual.isTextual()) {
            try {
                cmp = Double.compare(Double.parseDouble(actual.asText()), d);
            } catch (NumberFormatException e) {
                return op.equals("!=");
            }
        } else if (want instanceof Boolean b) {
            if (!actual.isBoolean() && !actual.isTextual()) {
                return op.equals("!=");
            }
            cmp = Boolean.compare(Boolean.parseBoolean(actual.asText()), b);
        } else {
            String a = field.normalize(actual.asText());
            String w = field.normalize(String.valueOf(want));
            if ((op.equals("=") || op.equals("!=")) && w.contains("*")) {
                boolean m = Glob.compile(w).matches(a);
                return op.equals("=") == m;
            }
            if (actual.isNumber()) {
                try {
                    cmp = Double.compare(actual.asDouble(), Double.parseDouble(w));
                } catch (NumberFormatException e) {
                    return op.equals("!=");
                }
            } else {
                cmp = a.compareTo(w);
            }
        }
        return switch (op) {
            case "=" -> cmp == 0;
            case "!=" -> cmp != 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            case "<" -> cmp < 0;
            default -> cmp <= 0;
        };
    }


    private Object literal(String t) {
        if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"')) {
            return t.substring(1, t.length() - 1);
        }
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.valueOf(t.toLowerCase(Locale.ROOT));
        }
        try {
            return Double.valueOf(t);
        } catch (NumberFormatException e) {
            throw error("'" + t + "' is not a value");
        }
    }

    private Field field() {
        String t = next();
        if (!Character.isLetter(t.charAt(0)) && t.charAt(0) != '_') {
            throw error("expected a field name but found '" + t + "'");
        }
        List<String> path = new ArrayList<>(List.of(t.split("\\.")));
        for (String p : path) {
            if (!p.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw error("'" + t + "' is not a field name");
            }
        }
        boolean all = false;
        if ("[".equals(peek())) {
            pos++;
            String q = next();
            if (!q.equals("any") && !q.equals("all")) {
                throw error("expected [any] or [all]");
            }
            all = q.equals("all");
            expect("]");
        }
        return new Field(path, all);
    }

    /** A dotted field path; values() flattens lists met on the way. */
    private record Field(List<String> path, boolean all) {
        List<JsonNode> values(JsonNode node) {
            List<JsonNode> current = List.of(node);
            for (String segment : path) {
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode c : current) {
                    JsonNode child = c.get(segment);
                    if (child == null) {
                        continue;
                    }
                    if (child.isArray()) {
                        child.forEach(next::add);
                    } else {
                        next.add(child);
                    }
                }
                current = next;
            }
            return current;
        }

        String normalize(String v) {
            String last = path.get(path.size() - 1);
            if (last.equals("wwns") || last.equals("wwn")) {
                return v.replace(":", "").toUpperCase(Locale.ROOT);
            }
            return v;
        }
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw FaRestError.badRequest(null, "Invalid filter: unterminated string in \"" + shown(s) + "\".");
                }
                out.add(s.substring(i, end + 1));
                i = end + 1;
            } else if ("()[],".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '!' || c == '<' || c == '>' || c == '=') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '=') {
                    out.add(s.substring(i, i + 2));
                    i += 2;
                } else if (c == '!') {
                    throw FaRestError.badRequest(null, "Invalid filter: '!' must be followed by '=' in \"" + shown(s) + "\".");
                } else {
                    out.add(String.valueOf(c));
                    i++;
                }
            } else {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "._-+".indexOf(s.charAt(i)) >= 0)) {
                    i++;
                }
                if (start == i) {
                    throw FaRestError.badRequest(null, "Invalid filter: unexpected '" + c + "' in \"" + shown(s) + "\".");
                }
                out.add(s.substring(start, i));
            }
        }
        return out;
    }
}
