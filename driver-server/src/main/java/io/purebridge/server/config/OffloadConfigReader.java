package io.purebridge.server.config;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.SubnodeConfiguration;

/**
 * Reads the {@code [offload.NAME]} and {@code [s3]} sections. Each target is built with
 * {@link OffloadTarget#fromConfig}; what it refuses becomes one line naming the file, the section and
 * the key. Secret keys take references (env:VARIABLE, file:/path) and their values are never echoed:
 * a value that is not a reference may be a pasted secret.
 */
final class OffloadConfigReader {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final Map<String, Map<String, String>> targets = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final Map<String, String> s3 = new LinkedHashMap<>();
    private Path file;

    /** Reads one {@code [offload.NAME]} section. */
    void readTarget(Path source, String section, SubnodeConfiguration values) throws ConfigException {
        file = source;
        String name = section.substring(ConfigKeys.OFFLOAD_PREFIX.length());
        Map<String, String> raw = new LinkedHashMap<>();
        for (String key : ServiceConfigLoader.keys(values)) {
            if (!ConfigKeys.Offload.ALL.contains(key)) {
                throw new ConfigException(source + ": unknown [" + section + "] " + ServiceConfigLoader.shownKey(key)
                        + "; known keys are " + new TreeSet<>(ConfigKeys.Offload.ALL));
            }
            String origin = source + " [" + section + "] " + key;
            raw.put(key, ServiceConfigLoader.single(values, key, origin));
        }
        targets.put(name, raw);
        origins.put(name, source + " [" + section + "]");
    }

    /** Reads the {@code [s3]} section. */
    void readS3(Path source, SubnodeConfiguration values) throws ConfigException {
        file = source;
        for (String key : ServiceConfigLoader.keys(values)) {
            if (!ConfigKeys.S3.ALL.contains(key)) {
                throw new ConfigException(source + ": unknown [s3] " + ServiceConfigLoader.shownKey(key)
                        + "; known keys are " + new TreeSet<>(ConfigKeys.S3.ALL));
            }
            s3.put(key, ServiceConfigLoader.single(values, key, source + " [s3] " + key));
        }
    }

    OffloadConfig build() throws ConfigException {
        List<OffloadTarget> built = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : targets.entrySet()) {
            built.add(target(e.getKey(), e.getValue(), origins.get(e.getKey())));
        }
        return new OffloadConfig(built, s3Server());
    }

    private static OffloadTarget target(String name, Map<String, String> raw, String origin) throws ConfigException {
        String accept = raw.get(ConfigKeys.Offload.ACCEPT_UNVERIFIED);
        if (accept != null && !accept.isBlank()) {
            Boolean b = bool(accept);
            if (b == null) {
                throw new ConfigException(origin + " " + ConfigKeys.Offload.ACCEPT_UNVERIFIED + " = '" + accept.strip()
                        + "': expected true or false");
            }
            raw.put(ConfigKeys.Offload.ACCEPT_UNVERIFIED, b.toString());
        }
        try {
            return OffloadTarget.fromConfig(name, raw);
        } catch (EngineException e) {
            // The engine's messages name the key and say what to write; none echoes a secret.
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    private S3ServerConfig s3Server() throws ConfigException {
        String where = file + " [s3] ";
        boolean enabled = ConfigKeys.S3.ENABLED_DEFAULT;
        String v = s3.get(ConfigKeys.S3.ENABLED);
        if (v != null && !v.isBlank()) {
            Boolean b = bool(v);
            if (b == null) {
                throw new ConfigException(where + ConfigKeys.S3.ENABLED + " = '" + v.strip() + "': expected true or false");
            }
            enabled = b;
        }
        String bind = s3.getOrDefault(ConfigKeys.S3.BIND_ADDRESS, "").strip();
        if (bind.isEmpty()) {
            bind = ConfigKeys.S3.BIND_ADDRESS_DEFAULT;
        } else if (bind.startsWith("[") && bind.endsWith("]")) {
            bind = bind.substring(1, bind.length() - 1);
        }
        int port = ConfigKeys.S3.PORT_DEFAULT;
        String p = s3.getOrDefault(ConfigKeys.S3.PORT, "").strip();
        if (!p.isEmpty()) {
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException(where + ConfigKeys.S3.PORT + " = '" + p
                        + "': expected a TCP port within 0..65535 such as 9000 (0: any free port)");
            }
        }
        String bucket = s3.getOrDefault(ConfigKeys.S3.BUCKET, "").strip();
        if (bucket.isEmpty()) {
            bucket = ConfigKeys.S3.BUCKET_DEFAULT;
        } else if (!BUCKET.matcher(bucket).matches()) {
            throw new ConfigException(where + ConfigKeys.S3.BUCKET + " = '" + bucket
                    + "': a bucket name is 3-63 characters of lower-case letters, digits, '.' and '-'");
        }
        return new S3ServerConfig(enabled, bind, port, bucket);
    }

    private static Boolean bool(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("1")) {
            return Boolean.TRUE;
        }
        if (v.equals("false") || v.equals("no") || v.equals("0")) {
            return Boolean.FALSE;
        }
        return null;
    }
}
