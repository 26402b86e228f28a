package io.purebridge.engine.cinder;

import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a cinder.conf section ({@link BackendConfig}) into {@link BackendOptions}: the one place
 * where option names, defaults and validation live. Options it does not know (Cinder's generic
 * ones) are ignored; every bad value fails with INVALID_ARGUMENT naming the option and what to do.
 * Secrets never appear in a message.
 */
public final class BackendOptionsParser {
    private static final Logger LOG = LoggerFactory.getLogger(BackendOptionsParser.class);

    /** pure_host_personality choices (upstream PURE_OPTS). */
    public static final Set<String> HOST_PERSONALITIES =
            Set.of("aix", "esxi", "hitachi-vsp", "hpux", "oracle-vm-server", "solaris", "vms");
    public static final String REPLICATION_DEVICE = "replication_device";
    public static final String TRISYNC_ENABLED = "pure_trisync_enabled";
    private static final Set<String> DEVICE_KEYS =
            Set.of("backend_id", "san_ip", "api_token", "type", "uniform", "ssl_cert_verify", "ssl_cert_path");
    private static final String PURITY_NAME = "[A-Za-z0-9][A-Za-z0-9-]{0,62}";

    private BackendOptionsParser() {
    }

    public static BackendOptions parse(BackendConfig config) {
        Map<String, String> options = config.options();
        String section = config.backendName();
        String sanIp = required(options, "san_ip", section, "set it to the array's management address or sim://NAME");
        String apiToken = required(options, "pure_api_token", section, "set it to the array's REST API token");

        boolean eradicate = bool(options, "pure_eradicate_on_delete", false);
        boolean safemode = bool(options, "pure_safemode_enabled", false);
        if (safemode && eradicate) {
            // Upstream: SafeMode forbids eradication, so it wins.
            LOG.warn("{}: pure_safemode_enabled forces pure_eradicate_on_delete=False", section);
            eradicate = false;
        }

        String personality = string(options, "pure_host_personality", null);
        if (personality != null && !HOST_PERSONALITIES.contains(personality)) {
            throw EngineException.invalidArgument("INVALID_OPTION", "pure_host_personality: '" + personality
                    + "' is not a valid choice; use one of " + new TreeSet<>(HOST_PERSONALITIES)
                    + " or leave it unset.");
        }

        List<CidrRange> iscsiCidrs = cidrs(options, "pure_iscsi_cidr", "pure_iscsi_cidr_list", section);
        List<CidrRange> nvmeCidrs = cidrs(options, "pure_nvme_cidr", "pure_nvme_cidr_list", section);
        NvmeTransport transport = nvmeTransport(options, config.protocol());

        OptionalDouble ratio = overSubscriptionRatio(options);
        int reserved = integer(options, "reserved_percentage", 0);
        if (reserved < 0 || reserved > 100) {
            throw EngineException.invalidArgument("INVALID_OPTION",
                    "reserved_percentage: " + reserved + " is out of range; use an integer from 0 to 100.");
        }

        int interval = integer(options, "pure_replica_interval_default", 3600);
        if (interval < 1) {
            throw EngineException.invalidArgument("INVALID_OPTION",
                    "pure_replica_interval_default: " + interval + " must be at least 1 (seconds).");
        }
        int shortTerm = nonNegative(options, "pure_replica_retention_short_term_default", 14400);
        int perDay = nonNegative(options, "pure_replica_retention_long_term_per_day_default", 3);
        int days = nonNegative(options, "pure_replica_retention_long_term_default", 7);

        String pgName = purityName(options, "pure_replication_pg_name", "cinder-group");
        String podName = purityName(options, "pure_replication_pod_name", "cinder-pod");
        String trisyncPg = purityName(options, "pure_trisync_pg_name", "cinder-trisync");
        String ghostPod = purityName(options, "pure_ghost_pod_name", "cinder-ghost-pod");
        boolean trisync = bool(options, TRISYNC_ENABLED, false);

        String volumeBackendName = string(options, "volume_backend_name", defaultBackendName(config.protocol()));
        List<ReplicationTarget> targets = replicationTargets(config, sanIp, trisync);
        String active = activeBackendId(config.activeBackendId(), volumeBackendName, targets);

        return new BackendOptions(section, config.protocol(), sanIp, apiToken,
                bool(options, "driver_ssl_cert_verify", false), string(options, "driver_ssl_cert_path", null),
                volumeBackendName, eradicate, safemode, personality, iscsiCidrs, nvmeCidrs, transport,
                bool(options, "pure_automatic_max_oversubscription_ratio", true), ratio, reserved,
                bool(options, "use_chap_auth", false), interval, shortTerm, perDay, days, pgName, podName,
                trisync, trisyncPg, ghostPod, string(options, "filter_function", null),
                string(options, "goodness_function", null), targets, active);
    }

    /** Upstream falls back to the driver class name. */
    private static String defaultBackendName(StorageProtocol protocol) {
        return switch (protocol) {
            case ISCSI -> "PureISCSIDriver";
            case FC -> "PureFCDriver";
            case NVME_ROCE, NVME_TCP -> "PureNVMEDriver";
        };
    }

    private static List<ReplicationTarget> replicationTargets(BackendConfig config, String primarySanIp,
            boolean trisync) {
        List<ReplicationTarget> targets = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Map<String, String> device : config.replicationDevices()) {
            String label = device.getOrDefault("backend_id", "").isBlank()
                    ? "#" + (targets.size() + 1) : "'" + device.get("backend_id").trim() + "'";
            for (String key : device.keySet()) {
                if (!DEVICE_KEYS.contains(key)) {
                    throw deviceError(label, "unknown key '" + key + "'; allowed keys are " + new TreeSet<>(DEVICE_KEYS));
                }
            }
            String backendId = deviceRequired(device, "backend_id", label);
            String sanIp = deviceRequired(device, "san_ip", label);
            String token = deviceRequired(device, "api_token", label);
            if (backendId.equalsIgnoreCase("default")) {
                throw deviceError(label, "backend_id 'default' is reserved by Cinder for failback; choose another id");
            }
            if (!ids.add(backendId)) {
                throw deviceError(label, "backend_id is used by more than one replication_device; make each unique");
            }
            if (sanIp.equals(primarySanIp)) {
                throw deviceError(label, "san_ip " + sanIp + " is the primary array's san_ip; a target must be another array");
            }
            ReplicationType type;
            String typeValue = device.getOrDefault("type", "async").trim().toLowerCase(Locale.ROOT);
            switch (typeValue) {
                case "async", "" -> type = ReplicationType.ASYNC;
                case "sync" -> type = ReplicationType.SYNC;
                default -> throw deviceError(label, "type '" + device.get("type") + "' is unknown; use async or sync");
            }
            boolean uniform = deviceBool(device, "uniform", label);
            boolean verify = deviceBool(device, "ssl_cert_verify", label);
            String certPath = device.getOrDefault("ssl_cert_path", "").trim();
            targets.add(new ReplicationTarget(backendId, sanIp, token, type, uniform, verify,
                    certPath.isEmpty() ? null : certPath));
        }
        long sync = targets.stream().filter(t -> t.type() == ReplicationType.SYNC).count();
        if (sync > 1) {
            String second = targets.stream().filter(t -> t.type() == ReplicationType.SYNC).skip(1).findFirst()
                    .map(ReplicationTarget::backendId).orElse("");
            throw deviceError("'" + second + "'", "only one sync (ActiveCluster) target is supported; make the others async");
        }
        if (trisync) {
            long async = targets.size() - sync;
            if (targets.size() != 2 || sync != 1 || async != 1) {
                throw EngineException.invalidArgument("INVALID_OPTION", TRISYNC_ENABLED
                        + " needs exactly two replication_device lines, one type:sync and one type:async; found "
                        + describe(targets) + ".");
            }
            if (targets.get(0).apiToken().equals(targets.get(1).apiToken())) {
                throw EngineException.invalidArgument("INVALID_OPTION", TRISYNC_ENABLED
                        + ": the sync and async replication_device lines (" + describe(targets)
                        + ") use the same api_token; each target array needs its own token.");
            }
        }
        return targets;
    }

    private static String describe(List<ReplicationTarget> targets) {
        if (targets.isEmpty()) {
            return "none";
        }
        return String.join(", ", targets.stream()
                .map(t -> t.backendId() + " (" + t.type().name().toLowerCase(Locale.ROOT) + ")").toList());
    }

    private static String activeBackendId(String active, String volumeBackendName, List<ReplicationTarget> targets) {
        if (active == null || active.isBlank() || active.equals("default") || active.equals(volumeBackendName)) {
            return null;
        }
        if (targets.stream().noneMatch(t -> t.backendId().equals(active))) {
            throw EngineException.invalidArgument("UNKNOWN_ACTIVE_BACKEND_ID", "active_backend_id '" + active
                    + "' matches no replication_device backend_id; restore the replication_device line or fail back.");
        }
        return active;
    }

    private static NvmeTransport nvmeTransport(Map<String, String> options, StorageProtocol protocol) {
        String value = string(options, "pure_nvme_transport", null);
        NvmeTransport fromProtocol = protocol == StorageProtocol.NVME_TCP ? NvmeTransport.TCP : NvmeTransport.ROCE;
        if (value == null) {
            // The shim chose the protocol from the same option; fall back to it (upstream default roce).
            return fromProtocol;
        }
        NvmeTransport parsed = switch (value.toLowerCase(Locale.ROOT)) {
            case "roce" -> NvmeTransport.ROCE;
            case "tcp" -> NvmeTransport.TCP;
            default -> throw EngineException.invalidArgument("INVALID_OPTION",
                    "pure_nvme_transport: '" + value + "' is not a valid choice; use roce or tcp.");
        };
        if ((protocol == StorageProtocol.NVME_ROCE || protocol == StorageProtocol.NVME_TCP) && parsed != fromProtocol) {
            throw EngineException.invalidArgument("INVALID_OPTION", "pure_nvme_transport: '" + value
                    + "' contradicts the driver's protocol " + protocol.cinderName() + "; make them agree.");
        }
        return parsed;
    }

    private static OptionalDouble overSubscriptionRatio(Map<String, String> options) {
        String value = string(options, "max_over_subscription_ratio", "20.0");
        if (value.equalsIgnoreCase("auto")) {
            return OptionalDouble.empty();
        }
        double ratio;
        try {
            ratio = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("INVALID_OPTION", "max_over_subscription_ratio: '" + value
                    + "' is not a number; use a number of at least 1.0 or 'auto'.");
        }
        if (!(ratio >= 1.0) || Double.isInfinite(ratio)) {
            throw EngineException.invalidArgument("INVALID_OPTION", "max_over_subscription_ratio: " + value
                    + " is out of range; use a number of at least 1.0 or 'auto'.");
        }
        return OptionalDouble.of(ratio);
    }

    private static List<CidrRange> cidrs(Map<String, String> options, String single, String list, String section) {
        String listValue = string(options, list, null);
        String singleValue = string(options, single, null);
        if (listValue != null) {
            if (singleValue != null) {
                LOG.warn("{}: both {} and {} are set; {} wins", section, single, list, list);
            }
            List<CidrRange> result = new ArrayList<>();
            for (String part : listValue.split(",")) {
                if (!part.isBlank()) {
                    result.add(CidrRange.parse(part, list));
                }
            }
            if (result.isEmpty()) {
                throw EngineException.invalidArgument("INVALID_CIDR", list + " holds no CIDR; list networks "
                        + "separated by commas, or unset it.");
            }
            return result;
        }
        return List.of(CidrRange.parse(singleValue == null ? "0.0.0.0/0" : singleValue, single));
    }

    private static String purityName(Map<String, String> options, String option, String defaultValue) {
        String value = string(options, option, defaultValue);
        if (!value.matches(PURITY_NAME)) {
            throw EngineException.invalidArgument("INVALID_OPTION", option + ": '" + value
                    + "' is not a valid array object name; use 1-63 letters, digits or '-', starting with a letter or digit.");
        }
        return value;
    }

    private static String required(Map<String, String> options, String option, String section, String what) {
        String value = string(options, option, null);
        if (value == null) {
            throw EngineException.invalidArgument("MISSING_OPTION",
                    option + " is missing in [" + section + "]; " + what + ".");
        }
        return value;
    }

    /** A blank value counts as unset. */
    private static String string(Map<String, String> options, String option, String defaultValue) {
        String value = options.get(option);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static boolean bool(Map<String, String> options, String option, boolean defaultValue) {
        String value = string(options, option, null);
        if (value == null) {
            return defaultValue;
        }
        Boolean parsed = parseBool(value);
        if (parsed == null) {
            throw EngineException.invalidArgument("INVALID_OPTION",
                    option + ": '" + value + "' is not a boolean; use true or false.");
        }
        return parsed;
    }

    /** oslo.config's spellings. */
    private static Boolean parseBool(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "on", "1" -> Boolean.TRUE;
            case "false", "f", "no", "n", "off", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static int integer(Map<String, String> options, String option, int defaultValue) {
        String value = string(options, option, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("INVALID_OPTION",
                    option + ": '" + value + "' is not an integer; use a whole number.");
        }
    }

    private static int nonNegative(Map<String, String> options, String option, int defaultValue) {
        int value = integer(options, option, defaultValue);
        if (value < 0) {
            throw EngineException.invalidArgument("INVALID_OPTION",
                    option + ": " + value + " is negative; use 0 or more.");
        }
        return value;
    }

    private static String deviceRequired(Map<String, String> device, String key, String label) {
        String value = device.get(key);
        if (value == null || value.isBlank()) {
            throw deviceError(label, "the required key '" + key + "' is missing; add " + key + ":<value>");
        }
        return value.trim();
    }

    private static boolean deviceBool(Map<String, String> device, String key, String label) {
        String value = device.get(key);
        if (value == null || value.isBlank()) {
            return false;
        }
        Boolean parsed = parseBool(value);
        if (parsed == null) {
            throw deviceError(label, key + " '" + value + "' is not a boolean; use true or false");
        }
        return parsed;
    }

    private static EngineException deviceError(String label, String problem) {
        return EngineException.invalidArgument("INVALID_REPLICATION_DEVICE",
                REPLICATION_DEVICE + " " + label + ": " + problem + ".");
    }
}
