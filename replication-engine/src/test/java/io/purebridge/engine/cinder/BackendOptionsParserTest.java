package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.baseOptions;
import static io.purebridge.engine.cinder.CinderFixture.config;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every option, its default, and every bad input the parser must name. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BackendOptionsParserTest {

    private static BackendOptions parse(Map<String, String> options, List<Map<String, String>> devices) {
        return BackendOptionsParser.parse(config(StorageProtocol.ISCSI, options, devices));
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> options = baseOptions();
        options.put(key, value);
        return options;
    }

    private static Map<String, String> device(String... keyValues) {
        Map<String, String> device = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            device.put(keyValues[i], keyValues[i + 1]);
        }
        return device;
    }

    @Test
    void defaultsFollowUpstream() {
        Map<String, String> options = new HashMap<>(baseOptions());
        options.remove("volume_backend_name");
        BackendOptions parsed = parse(options, List.of());
        assertThat(parsed.volumeBackendName()).isEqualTo("PureISCSIDriver");
        assertThat(parsed.sslCertVerify()).isFalse();
        assertThat(parsed.sslCertPath()).isNull();
        assertThat(parsed.eradicateOnDelete()).isFalse();
        assertThat(parsed.hostPersonality()).isNull();
        assertThat(parsed.iscsiCidrs()).extracting(Object::toString).containsExactly("0.0.0.0/0");
        assertThat(parsed.nvmeCidrs()).extracting(Object::toString).containsExactly("0.0.0.0/0");
        assertThat(parsed.nvmeTransport()).isEqualTo(NvmeTransport.ROCE);
        assertThat(parsed.automaticMaxOversubscriptionRatio()).isTrue();
        assertThat(parsed.maxOverSubscriptionRatio()).hasValue(20.0);
        assertThat(parsed.reservedPercentage()).isZero();
        assertThat(parsed.useChapAuth()).isFalse();
        assertThat(parsed.replicaIntervalSeconds()).isEqualTo(3600);
        assertThat(parsed.replicaRetentionShortTermSeconds()).isEqualTo(14400);
        assertThat(parsed.replicaRetentionLongTermPerDay()).isEqualTo(3);
        assertThat(parsed.replicaRetentionLongTermDays()).isEqualTo(7);
        assertThat(parsed.replicationPgName()).isEqualTo("cinder-group");
        assertThat(parsed.replicationPodName()).isEqualTo("cinder-pod");
        assertThat(parsed.trisyncEnabled()).isFalse();
        assertThat(parsed.trisyncPgName()).isEqualTo("cinder-trisync");
        assertThat(parsed.ghostPodName()).isEqualTo("cinder-ghost-pod");
        assertThat(parsed.replicationTargets()).isEmpty();
        assertThat(parsed.activeBackendId()).isNull();
        assertThat(parsed.toString()).doesNotContain(CinderFixture.TOKEN);
    }

    @Test
    void valuesAreParsed() {
        Map<String, String> options = baseOptions();
        options.put("driver_ssl_cert_verify", "yes");
        options.put("driver_ssl_cert_path", "/etc/ssl/pure.pem");
        options.put("pure_eradicate_on_delete", "TRUE");
        options.put("pure_host_personality", "esxi");
        options.put("pure_iscsi_cidr", "10.0.0.0/8");
        options.put("pure_nvme_cidr_list", "10.1.0.0/16,fd00::/8");
        options.put("max_over_subscription_ratio", "auto");
        options.put("reserved_percentage", "10");
        options.put("use_chap_auth", "on");
        options.put("pure_replica_interval_default", "600");
        options.put("pure_replication_pg_name", "my-group");
        BackendOptions parsed = parse(options, List.of());
        assertThat(parsed.sslCertVerify()).isTrue();
        assertThat(parsed.sslCertPath()).isEqualTo("/etc/ssl/pure.pem");
        assertThat(parsed.eradicateOnDelete()).isTrue();
        assertThat(parsed.hostPersonality()).isEqualTo("esxi");
        assertThat(parsed.iscsiCidrs()).extracting(Object::toString).containsExactly("10.0.0.0/8");
        assertThat(parsed.nvmeCidrs()).extracting(Object::toString).containsExactly("10.1.0.0/16", "fd00::/8");
        assertThat(parsed.maxOverSubscriptionRatio()).isEmpty();
        assertThat(parsed.reservedPercentage()).isEqualTo(10);
        assertThat(parsed.useChapAuth()).isTrue();
        assertThat(parsed.replicaIntervalSeconds()).isEqualTo(600);
        assertThat(parsed.replicationPgName()).isEqualTo("my-group");
    }

    @Test
    void safemodeForcesEradicationOff() {
        Map<String, String> options = with("pure_safemode_enabled", "true");
        options.put("pure_eradicate_on_delete", "true");
        assertThat(parse(options, List.of()).eradicateOnDelete()).isFalse();
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of("san_ip", "", "san_ip"),
                Arguments.of("pure_api_token", " ", "pure_api_token"),
                Arguments.of("pure_eradicate_on_delete", "maybe", "pure_eradicate_on_delete"),
                Arguments.of("driver_ssl_cert_verify", "2", "driver_ssl_cert_verify"),
                Arguments.of("use_chap_auth", "si", "use_chap_auth"),
                Arguments.of("pure_automatic_max_oversubscription_ratio", "x", "pure_automatic_max_oversubscription_ratio"),
                Arguments.of("pure_trisync_enabled", "enabled", "pure_trisync_enabled"),
                Arguments.of("pure_host_personality", "windows", "pure_host_personality"),
                Arguments.of("pure_nvme_transport", "fc", "pure_nvme_transport"),
                Arguments.of("pure_iscsi_cidr", "10.0.0.0/33", "pure_iscsi_cidr"),
                Arguments.of("pure_iscsi_cidr", "300.1.1.1/8", "pure_iscsi_cidr"),
                Arguments.of("pure_iscsi_cidr_list", "10.0.0.0/8,banana", "pure_iscsi_cidr_list"),
                Arguments.of("pure_nvme_cidr", "fd00::/129", "pure_nvme_cidr"),
                Arguments.of("pure_nvme_cidr_list", "example.com/24", "pure_nvme_cidr_list"),
                Arguments.of("max_over_subscription_ratio", "lots", "max_over_subscription_ratio"),
                Arguments.of("max_over_subscription_ratio", "0.5", "max_over_subscription_ratio"),
                Arguments.of("reserved_percentage", "ten", "reserved_percentage"),
                Arguments.of("reserved_percentage", "101", "reserved_percentage"),
                Arguments.of("pure_replica_interval_default", "1h", "pure_replica_interval_default"),
                Arguments.of("pure_replica_interval_default", "0", "pure_replica_interval_default"),
                Arguments.of("pure_replica_retention_short_term_default", "-1", "pure_replica_retention_short_term_default"),
                Arguments.of("pure_replica_retention_long_term_per_day_default", "3.5",
                        "pure_replica_retention_long_term_per_day_default"),
                Arguments.of("pure_replica_retention_long_term_default", "week", "pure_replica_retention_long_term_default"),
                Arguments.of("pure_replication_pg_name", "bad name", "pure_replication_pg_name"),
                Arguments.of("pure_replication_pod_name", "pod::x", "pure_replication_pod_name"),
                Arguments.of("pure_trisync_pg_name", "-x", "pure_trisync_pg_name"),
                Arguments.of("pure_ghost_pod_name", "a_b", "pure_ghost_pod_name"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badOptions")
    void badOptionIsNamed(String option, String value, String named) {
        EngineException error = failure(() -> parse(with(option, value), List.of()), ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains(named).doesNotContain(CinderFixture.TOKEN);
        assertThat(error.reason()).matches("[A-Z_]+");
    }

    @Test
    void nvmeTransportMustAgreeWithTheProtocol() {
        BackendConfig config = config(StorageProtocol.NVME_ROCE, with("pure_nvme_transport", "tcp"), List.of());
        assertThat(failure(() -> BackendOptionsParser.parse(config), ErrorCode.INVALID_ARGUMENT).getMessage())
                .contains("pure_nvme_transport");
        BackendConfig tcp = config(StorageProtocol.NVME_TCP, baseOptions(), List.of());
        assertThat(BackendOptionsParser.parse(tcp).storageProtocolName()).isEqualTo("NVMe-TCP");
    }

    @Test
    void replicationDevicesAreTyped() {
        BackendOptions parsed = parse(baseOptions(), List.of(
                device("backend_id", "dr", "san_ip", "10.1.1.1", "api_token", "t1"),
                device("backend_id", "metro", "san_ip", "sim://b", "api_token", "t2", "type", "sync",
                        "uniform", "true", "ssl_cert_verify", "true", "ssl_cert_path", "/ca.pem")));
        assertThat(parsed.replicationTargets()).containsExactly(
                new ReplicationTarget("dr", "10.1.1.1", "t1", ReplicationType.ASYNC, false, false, null),
                new ReplicationTarget("metro", "sim://b", "t2", ReplicationType.SYNC, true, true, "/ca.pem"));
        assertThat(parsed.toString()).doesNotContain("t1").doesNotContain("t2");
    }

    static Stream<Arguments> badDevices() {
        Map<String, String> ok = device("backend_id", "dr", "san_ip", "sim://b", "api_token", "t1");
        return Stream.of(
                Arguments.of(List.of(device("san_ip", "sim://b", "api_token", "t1")), "backend_id"),
                Arguments.of(List.of(device("backend_id", "dr", "api_token", "t1")), "'dr'"),
                Arguments.of(List.of(device("backend_id", "dr", "san_ip", "sim://b")), "api_token"),
                Arguments.of(List.of(device("backend_id", "dr", "san_ip", "sim://b", "api_token", "t1",
                        "type", "semi-sync")), "semi-sync"),
                Arguments.of(List.of(device("backend_id", "default", "san_ip", "sim://b", "api_token", "t1")),
                        "'default'"),
                Arguments.of(List.of(ok, device("backend_id", "dr", "san_ip", "sim://c", "api_token", "t2")),
                        "'dr'"),
                Arguments.of(List.of(device("backend_id", "dr", "san_ip", "sim://pure-primary", "api_token", "t1")),
                        "'dr'"),
                Arguments.of(List.of(device("backend_id", "s1", "san_ip", "sim://b", "api_token", "t1", "type", "sync"),
                        device("backend_id", "s2", "san_ip", "sim://c", "api_token", "t2", "type", "sync")), "'s2'"),
                Arguments.of(List.of(device("backend_id", "dr", "san_ip", "sim://b", "api_token", "t1",
                        "uniform", "sometimes")), "uniform"),
                Arguments.of(List.of(device("backend_id", "dr", "san_ip", "sim://b", "api_token", "t1",
                        "unifrom", "true")), "unifrom"));
    }

    @ParameterizedTest
    @MethodSource("badDevices")
    void badReplicationDeviceIsNamed(List<Map<String, String>> devices, String offender) {
        EngineException error = failure(() -> parse(baseOptions(), devices), ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("replication_device").contains(offender)
                .doesNotContain("t1").doesNotContain("t2");
    }

    @Test
    void trisyncNeedsOneSyncAndOneAsyncDevice() {
        Map<String, String> options = with("pure_trisync_enabled", "true");
        Map<String, String> async = device("backend_id", "dr", "san_ip", "sim://b", "api_token", "t1");
        Map<String, String> sync = device("backend_id", "metro", "san_ip", "sim://c", "api_token", "t2", "type", "sync");
        Map<String, String> async2 = device("backend_id", "dr2", "san_ip", "sim://d", "api_token", "t3");
        for (List<Map<String, String>> devices : List.of(List.<Map<String, String>>of(), List.of(async),
                List.of(sync), List.of(async, async2), List.of(async, sync, async2))) {
            EngineException error = failure(() -> parse(options, devices), ErrorCode.INVALID_ARGUMENT);
            assertThat(error.getMessage()).contains("pure_trisync_enabled");
        }
        Map<String, String> sameToken = device("backend_id", "metro", "san_ip", "sim://c", "api_token", "t1",
                "type", "sync");
        EngineException error = failure(() -> parse(options, List.of(async, sameToken)), ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("pure_trisync_enabled").contains("dr").contains("metro")
                .doesNotContain("t1");
        assertThat(parse(options, List.of(async, sync)).trisyncEnabled()).isTrue();
    }

    @Test
    void activeBackendIdMustNameADevice() {
        List<Map<String, String>> devices = new ArrayList<>();
        devices.add(device("backend_id", "dr", "san_ip", "sim://b", "api_token", "t1"));
        BackendConfig failedOver = new BackendConfig("puredriver-1", StorageProtocol.ISCSI, baseOptions(), devices, "dr");
        assertThat(BackendOptionsParser.parse(failedOver).activeBackendId()).isEqualTo("dr");
        BackendConfig primary = new BackendConfig("puredriver-1", StorageProtocol.ISCSI, baseOptions(), devices, "default");
        assertThat(BackendOptionsParser.parse(primary).activeBackendId()).isNull();
        BackendConfig unknown = new BackendConfig("puredriver-1", StorageProtocol.ISCSI, baseOptions(), devices, "nope");
        assertThat(failure(() -> BackendOptionsParser.parse(unknown), ErrorCode.INVALID_ARGUMENT).reason())
                .isEqualTo("UNKNOWN_ACTIVE_BACKEND_ID");
    }

    @Test
    void cidrMatching() {
        CidrRange v4 = CidrRange.parse("10.1.0.0/16", "x");
        assertThat(v4.contains("10.1.200.3")).isTrue();
        assertThat(v4.contains("10.2.0.1")).isFalse();
        assertThat(v4.contains("fd00::1")).isFalse();
        CidrRange v6 = CidrRange.parse("fd00:1::/32", "x");
        assertThat(v6.contains("[fd00:1:ffff::9]")).isTrue();
        assertThat(v6.contains("fd00:2::9")).isFalse();
        assertThat(CidrRange.parse("0.0.0.0/0", "x").contains("192.168.7.7")).isTrue();
    }
}
