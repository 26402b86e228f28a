package io.purebridge.server.logging;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets in a log line with {@value #MASK}: the values of headers, options and fields
 * that carry tokens (api-token, x-auth-token, x-api-token, x-purebridge-credential,
 * Authorization, pure_api_token, api_token, session_credential, CHAP secrets, passwords) in the
 * shapes Jetty, Netty's HTTP/2 frame logger, protobuf text and our own messages print them, and
 * any purebridge session credential wherever it appears. Linear-time patterns only.
 */
public final class SecretMasker {
    public static final String MASK = "****";

    private static final String NAMES = "api[-_]token|x-auth-token|x-api-token|x-purebridge-credential|authorization"
            + "|pure_api_token|session_credential|chap_secret|chap[-_]password|host_password|target_password"
            + "|password|secret";
    /** name: value, name=value, "name":"value", name: "value" (header dumps, properties, JSON, proto text). */
    private static final Pattern NAMED = Pattern.compile("(?i)(\"?\\b(?:" + NAMES + ")\"?\\s*[:=]\\s*\"?)"
            + "((?:Bearer\\s+)?[^\\s,;\"'\\]\\}\\)]+)");
    /** A protobuf map entry printed as text: key: "pure_api_token" value: "...". */
    private static final Pattern MAP_ENTRY = Pattern.compile("(?i)(key:\\s*\"(?:" + NAMES + ")\"\\s*value:\\s*\")"
            + "([^\"]*)");
    /** Jetty's HttpParser at DEBUG: headerString=[api-token], valueString=[...]. */
    private static final Pattern JETTY_PARSED = Pattern.compile("(?i)(headerString=\\[(?:" + NAMES
            + ")\\],\\s*valueString=\\[)([^\\]]*)");
    private static final Pattern CREDENTIAL = Pattern.compile("pbc1\\.[A-Za-z0-9_-]{8,}");
    private static final List<Pattern> VALUE_IN_GROUP_2 = List.of(NAMED, MAP_ENTRY, JETTY_PARSED);

    private SecretMasker() {
    }

    public static String mask(String line) {
        if (line == null || line.isEmpty()) {
            return line;
        }
        String out = line;
        for (Pattern p : VALUE_IN_GROUP_2) {
            Matcher m = p.matcher(out);
            if (m.find()) {
                StringBuilder b = new StringBuilder();
                do {
                    m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + MASK));
                } while (m.find());
                m.appendTail(b);
                out = b.toString();
            }
        }
        return CREDENTIAL.matcher(out).replaceAll(MASK);
    }
}
