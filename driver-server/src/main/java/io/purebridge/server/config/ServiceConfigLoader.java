package io.purebridge.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.commons.configuration2.INIConfiguration;
import org.apache.commons.configuration2.SubnodeConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Reads the service's INI file (commons-configuration2) and validates every key. Each error names
 * where the bad value came from (the file and key, or the command-line option) and what to write.
 * Values are taken raw: no ${...} interpolation.
 */
public final class ServiceConfigLoader {
    private ServiceConfigLoader() {
    }

    /** Loads {@code file}, or the defaults alone when it is null. */
    public static ServiceConfig load(Path file, ConfigOverrides overrides) throws ConfigException {
        Map<String, Setting> server = new LinkedHashMap<>();
        Map<String, String> arrays = new LinkedHashMap<>();
        Map<String, Setting> rest = new LinkedHashMap<>();
        Map<String, Setting> metrics = new LinkedHashMap<>();
        OffloadConfigReader offload = new OffloadConfigReader();
        if (file != null) {
            read(file, server, arrays, rest, metrics, offload);
        }
        overrides.dataDir().ifPresent(v -> server.put(ConfigKeys.Server.DATA_DIR, new Setting(v, "--data-dir")));
        overrides.listenSocket().ifPresent(v ->
                server.put(ConfigKeys.Server.LISTEN_SOCKET, new Setting(v, "--listen-socket")));
        overrides.listenTcp().ifPresent(v -> server.put(ConfigKeys.Server.LISTEN_TCP, new Setting(v, "--listen-tcp")));

        Path dataDir = path(server.get(ConfigKeys.Server.DATA_DIR), ConfigKeys.Server.DATA_DIR_DEFAULT);
        Path listenSocket = path(server.get(ConfigKeys.Server.LISTEN_SOCKET),
                dataDir.resolve(ConfigKeys.Server.LISTEN_SOCKET_FILE_NAME));
        checkSocketPath(listenSocket, server.get(ConfigKeys.Server.LISTEN_SOCKET), dataDir, file);
        Optional<HostPort> listenTcp = hostPort(server.get(ConfigKeys.Server.LISTEN_TCP));
        long eradicationDelay = nonNegativeLong(server.get(ConfigKeys.Server.ERADICATION_DELAY_SECONDS),
                ConfigKeys.Server.ERADICATION_DELAY_SECONDS_DEFAULT);
        TlsConfig tls = tls(server);
        if (listenTcp.isPresent() && !tls.enabled() && !io.purebridge.server.TcpListener.isLoopback(
                listenTcp.get().host())) {
            Setting where = server.get(ConfigKeys.Server.LISTEN_TCP);
            throw new ConfigException(where.origin() + " = '" + where.value() + "': refusing to listen off loopback"
                    + " in plaintext (API tokens and volume data would cross the network in clear); set [server] "
                    + ConfigKeys.Server.TLS_CERT_FILE + " and " + ConfigKeys.Server.TLS_KEY_FILE
                    + ", or listen on 127.0.0.1");
        }
        return new ServiceConfig(dataDir, listenSocket, listenTcp, eradicationDelay, arrays, rest(rest, arrays), tls,
                metrics(metrics), offload.build());
    }

    private static TlsConfig tls(Map<String, Setting> server) throws ConfigException {
        Optional<Path> cert = readableFile(server.get(ConfigKeys.Server.TLS_CERT_FILE));
        Optional<Path> key = readableFile(server.get(ConfigKeys.Server.TLS_KEY_FILE));
        Optional<Path> clientCa = readableFile(server.get(ConfigKeys.Server.TLS_CLIENT_CA_FILE));
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException("[server] " + ConfigKeys.Server.TLS_CERT_FILE + " and "
                    + ConfigKeys.Server.TLS_KEY_FILE + " must be set together");
        }
        if (clientCa.isPresent() && cert.isEmpty()) {
            throw new ConfigException("[server] " + ConfigKeys.Server.TLS_CLIENT_CA_FILE + " needs "
                    + ConfigKeys.Server.TLS_CERT_FILE + " and " + ConfigKeys.Server.TLS_KEY_FILE);
        }
        return new TlsConfig(cert, key, clientCa);
    }

    private static Optional<Path> readableFile(Setting setting) throws ConfigException {
        if (setting == null || setting.value().isBlank()) {
            return Optional.empty();
        }
        Path p = path(setting, Path.of("."));
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ConfigException(setting.origin() + " = '" + setting.value() + "': not a readable file");
        }
        return Optional.of(p);
    }

    /**
     * How an error names a key it refuses. A line without '=' reaches the parser as one key made of
     * the whole line, and such a line may be "NAME TOKEN": only a key that looks like a key name is
     * shown; anything else is described by its line shape, never printed.
     */
    static String shownKey(String key) {
        long digits = key.chars().filter(Character::isDigit).count();
        if (key.matches("[A-Za-z_.-][A-Za-z0-9_.-]{0,31}") && digits <= 2) {
            return "key '" + key + "'";
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            return "a line without '=' (not shown: it may hold a token)";
        }
        return "a key of " + key.length() + " characters starting '" + key.substring(0, Math.min(3, key.length()))
                + "' (not shown in full: it may be a token)";
    }

    /** A raw value and where it came from, for error messages. */
    private record Setting(String value, String origin) {
    }

    private static void read(Path file, Map<String, Setting> server, Map<String, String> arrays,
            Map<String, Setting> rest, Map<String, Setting> metrics, OffloadConfigReader offload)
            throws ConfigException {
        INIConfiguration ini = new INIConfiguration();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            ini.read(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + describe(e));
        } catch (ConfigurationException e) {
            throw new ConfigException("cannot parse config file " + file + " as INI: " + describe(e));
        }
        for (String section : ini.getSections()) {
            if (section == null) {
                List<String> keys = keys(ini.getSection(null));
                if (!keys.isEmpty()) {
                    throw new ConfigException(file + ": " + shownKey(keys.get(0))
                            + " is outside any section; put it under [server], [arrays], [rest], [metrics], [s3]"
                            + " or [offload.NAME]");
                }
            } else if (section.equals(ConfigKeys.SERVER)) {
                readServer(file, ini.getSection(section), server);
            } else if (section.equals(ConfigKeys.ARRAYS)) {
                readArrays(file, ini.getSection(section), arrays);
            } else if (section.equals(ConfigKeys.REST)) {
                readRest(file, ini.getSection(section), rest);
            } else if (section.equals(ConfigKeys.METRICS)) {
                readMetrics(file, ini.getSection(section), metrics);
            } else if (section.equals(ConfigKeys.S3_SECTION)) {
                offload.readS3(file, ini.getSection(section));
            } else if (section.startsWith(ConfigKeys.OFFLOAD_PREFIX)) {
                offload.readTarget(file, section, ini.getSection(section));
            } else {
                throw new ConfigException(file + ": unknown section [" + section
                        + "]; expected [server], [arrays], [rest], [metrics], [s3] or [offload.NAME]");
            }
        }
    }

    private static void readServer(Path file, SubnodeConfiguration section, Map<String, Setting> server)
            throws ConfigException {
        for (String key : keys(section)) {
            if (!ConfigKeys.Server.ALL.contains(key)) {
                throw new ConfigException(file + ": unknown [server] " + shownKey(key) + "; known keys are "
                        + new TreeSet<>(ConfigKeys.Server.ALL));
            }
            String origin = file + " [server] " + key;
            server.put(key, new Setting(single(section, key, origin), origin));
        }
    }

    private static void readArrays(Path file, SubnodeConfiguration section, Map<String, String> arrays)
            throws ConfigException {
        for (String name : keys(section)) {
            if (!name.matches(ConfigKeys.ARRAY_NAME_PATTERN)) {
                // Never echo the line: "NAME TOKEN" without '=' parses as one long key.
                throw new ConfigException(file + " [arrays]: " + shownKey(name) + " is not NAME = API_TOKEN with a"
                        + " valid NAME (letters, digits and '-', at most 63, starting with a letter or digit)");
            }
            String origin = file + " [arrays] " + name;
            String token = single(section, name, file + " [arrays] " + shownKey(name)).trim();
            if (token.isEmpty()) {
                // The "name" of a line holding only a token is the token: describe, never echo.
                throw new ConfigException(file + " [arrays]: " + shownKey(name) + " has no API token; write"
                        + " NAME = API_TOKEN");
            }
            arrays.put(name, token);
        }
    }

    /** Keys are kept as written (port.NAME); they are checked against [arrays] once everything is read. */
    private static void readRest(Path file, SubnodeConfiguration section, Map<String, Setting> rest)
            throws ConfigException {
        for (String escaped : keys(section)) {
            // commons-configuration escapes a '.' inside a key name as "..".
            String key = escaped.replace("..", ".");
            String origin = file + " [rest] " + shownKey(key);
            if (!ConfigKeys.Rest.FIXED.contains(key) && !key.startsWith(ConfigKeys.Rest.PORT_PREFIX)) {
                throw new ConfigException(file + ": unknown [rest] " + shownKey(key) + "; known keys are "
                        + new TreeSet<>(ConfigKeys.Rest.FIXED) + " and " + ConfigKeys.Rest.PORT_PREFIX + "ARRAY_NAME");
            }
            rest.put(key, new Setting(single(section, escaped, origin), origin));
        }
    }

    private static void readMetrics(Path file, SubnodeConfiguration section, Map<String, Setting> metrics)
            throws ConfigException {
        for (String key : keys(section)) {
            if (!ConfigKeys.Metrics.ALL.contains(key)) {
                throw new ConfigException(file + ": unknown [metrics] " + shownKey(key) + "; known keys are "
                        + new TreeSet<>(ConfigKeys.Metrics.ALL));
            }
            String origin = file + " [metrics] " + key; // a known key name, safe to print
            metrics.put(key, new Setting(single(section, key, origin), origin));
        }
    }

    private static MetricsConfig metrics(Map<String, Setting> metrics) throws ConfigException {
        boolean enabled = bool(metrics.get(ConfigKeys.Metrics.ENABLED), ConfigKeys.Metrics.ENABLED_DEFAULT);
        String bindAddress = bindAddress(metrics.get(ConfigKeys.Metrics.BIND_ADDRESS),
                ConfigKeys.Metrics.BIND_ADDRESS_DEFAULT);
        int port = ConfigKeys.Metrics.PORT_DEFAULT;
        Setting portSetting = metrics.get(ConfigKeys.Metrics.PORT);
        if (portSetting != null && !portSetting.value().isBlank()) {
            try {
                port = Integer.parseInt(portSetting.value().trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException(portSetting.origin() + " = '" + portSetting.value()
                        + "': expected a TCP port within 0..65535 such as 9464 (0: any free port)");
            }
        }
        return new MetricsConfig(enabled, bindAddress, port);
    }

    private static boolean bool(Setting setting, boolean fallback) throws ConfigException {
        if (setting == null || setting.value().isBlank()) {
            return fallback;
        }
        String v = setting.value().trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("1")) {
            return true;
        }
        if (v.equals("false") || v.equals("no") || v.equals("0")) {
            return false;
        }
        throw new ConfigException(setting.origin() + " = '" + setting.value() + "': expected true or false");
    }

    private static String bindAddress(Setting setting, String fallback) {
        String address = setting == null || setting.value().isBlank() ? fallback : setting.value().trim();
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        return address;
    }

    private static RestConfig rest(Map<String, Setting> rest, Map<String, String> arrays) throws ConfigException {
        boolean enabled = ConfigKeys.Rest.ENABLED_DEFAULT;
        Setting enabledSetting = rest.get(ConfigKeys.Rest.ENABLED);
        if (enabledSetting != null && !enabledSetting.value().isBlank()) {
            String v = enabledSetting.value().trim().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("yes") || v.equals("1")) {
                enabled = true;
            } else if (v.equals("false") || v.equals("no") || v.equals("0")) {
                enabled = false;
            } else {
                throw new ConfigException(enabledSetting.origin() + " = '" + enabledSetting.value()
                        + "': expected true or false");
            }
        }
        Setting bind = rest.get(ConfigKeys.Rest.BIND_ADDRESS);
        String bindAddress = bind == null || bind.value().isBlank() ? ConfigKeys.Rest.BIND_ADDRESS_DEFAULT
                : bind.value().trim();
        if (bindAddress.startsWith("[") && bindAddress.endsWith("]")) {
            bindAddress = bindAddress.substring(1, bindAddress.length() - 1);
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        Map<Integer, String> owners = new LinkedHashMap<>();
        for (Map.Entry<String, Setting> e : rest.entrySet()) {
            if (!e.getKey().startsWith(ConfigKeys.Rest.PORT_PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(ConfigKeys.Rest.PORT_PREFIX.length());
            Setting setting = e.getValue();
            if (!arrays.containsKey(name)) {
                throw new ConfigException(setting.origin() + ": no such array in [arrays]; write port.NAME with"
                        + " NAME from [arrays] " + new TreeSet<>(arrays.keySet()));
            }
            int port;
            try {
                port = Integer.parseInt(setting.value().trim());
            } catch (NumberFormatException ex) {
                throw new ConfigException(setting.origin() + " = '" + setting.value()
                        + "': expected a TCP port number such as 8443");
            }
            if (port < 1 || port > 65535) {
                throw new ConfigException(setting.origin() + " = '" + setting.value()
                        + "': must be within 1..65535 (leave the key out for a free port)");
            }
            String other = owners.putIfAbsent(port, name);
            if (other != null) {
                throw new ConfigException(setting.origin() + " = '" + setting.value() + "': port " + port
                        + " is already given to array " + other + "; every array needs its own port");
            }
            ports.put(name, port);
        }
        return new RestConfig(enabled, bindAddress, ports);
    }

    static List<String> keys(SubnodeConfiguration section) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = section.getKeys(); it.hasNext();) {
            keys.add(it.next());
        }
        return keys;
    }

    /** The raw (not interpolated) value; a key given twice is an error. Never echoes the value. */
    static String single(SubnodeConfiguration section, String key, String origin) throws ConfigException {
        Object value = section.getProperty(key);
        if (value instanceof String text) {
            return text;
        }
        if (value == null) {
            return "";
        }
        throw new ConfigException(origin + ": set more than once; keep one line");
    }

    private static Path path(Setting setting, Path fallback) throws ConfigException {
        if (setting == null || setting.value().isBlank()) {
            return fallback.toAbsolutePath();
        }
        try {
            return Path.of(setting.value().trim()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new ConfigException(setting.origin() + " = '" + setting.value() + "': not a valid path");
        }
    }

    private static void checkSocketPath(Path socket, Setting setting, Path dataDir, Path file) throws ConfigException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > ConfigKeys.MAX_SOCKET_PATH_BYTES) {
            String origin = setting != null ? setting.origin()
                    : "default " + ConfigKeys.Server.LISTEN_SOCKET + " (" + dataDir + "/"
                    + ConfigKeys.Server.LISTEN_SOCKET_FILE_NAME + ")" + (file == null ? "" : " of " + file);
            throw new ConfigException(origin + ": unix socket path is longer than "
                    + ConfigKeys.MAX_SOCKET_PATH_BYTES + " bytes; choose a shorter listen_socket");
        }
    }

    private static Optional<HostPort> hostPort(Setting setting) throws ConfigException {
        if (setting == null || setting.value().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HostPort.parse(setting.value().trim()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting.origin() + " = '" + setting.value() + "': " + e.getMessage()
                    + " (leave it empty for no TCP listener)");
        }
    }

    private static long nonNegativeLong(Setting setting, long fallback) throws ConfigException {
        if (setting == null || setting.value().isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(setting.value().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(setting.origin() + " = '" + setting.value()
                    + "': expected a whole number of seconds, e.g. 86400");
        }
        if (value < 0) {
            throw new ConfigException(setting.origin() + " = '" + setting.value() + "': must be 0 or more seconds");
        }
        return value;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
