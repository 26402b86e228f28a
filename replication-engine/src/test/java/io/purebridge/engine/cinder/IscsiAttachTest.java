package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IscsiAttachTest {
    private static final String IQN = "iqn.2004-10.com.ubuntu:01:compute1";
    private static final String TARGET_IQN = "iqn.2010-06.com.purestorage:flasharray.1234";
    private static final String SYSTEM_UUID = "6f1c3e2a-0b4d-4c8e-9a7f-1d2e3f4a5b6c";
    private final CinderFixture fixture = new CinderFixture();

    private static HostConnector connector(String systemUuid) {
        return new HostConnector("compute_1.example.org", IQN, null, null, "", systemUuid, "192.168.1.10", true);
    }

    private void mixedPorts() {
        fixture.array.setPorts(List.of(
                new PortRecord("CT0.ETH4", TARGET_IQN, null, null, "10.0.0.4:3260", PortService.ISCSI),
                new PortRecord("CT1.ETH4", TARGET_IQN, null, null, "10.1.0.4:3260", PortService.ISCSI),
                new PortRecord("CT0.ETH6", TARGET_IQN, null, null, "[fd00::6]:3260", PortService.ISCSI),
                new PortRecord("CT0.FC0", null, "52:4A:93:71:00:00:00:00", null, null, PortService.FC)));
    }

    @Test
    void attachCreatesHostAndReturnsAllPortals() {
        mixedPorts();
        CinderBackend backend = fixture.backend();
        CinderVolume volume = volume(1);
        backend.createVolume(volume);

        var info = (ConnectionProperties.Iscsi) backend.initializeConnection(volume, connector(SYSTEM_UUID));

        assertThat(info.targetPortals()).containsExactly("10.0.0.4:3260", "10.1.0.4:3260");
        assertThat(info.targetIqns()).containsExactly(TARGET_IQN, TARGET_IQN);
        assertThat(info.targetLuns()).containsExactly(1, 1);
        VolumeRecord record = fixture.array.findVolume(arrayName(volume)).orElseThrow();
        assertThat(info.wwn()).isEqualTo("3624a9370" + record.serial().toLowerCase());
        assertThat(info.authMethod()).isNull();
        String hostName = "compute-1-example-org-6f1c3e2a0b4d4c8e9a7f1d2e3f4a5b6c-cinder";
        assertThat(fixture.array.findHost(hostName)).get().extracting(HostRecord::iqns).isEqualTo(List.of(IQN));
    }

    @Test
    void cidrListSelectsPortalsIncludingIpv6() {
        mixedPorts();
        var options = CinderFixture.baseOptions();
        options.put("pure_iscsi_cidr", "10.0.0.0/16");
        options.put("pure_iscsi_cidr_list", "10.1.0.0/16, fd00::/64");
        CinderBackend backend = fixture.backend(StorageProtocol.ISCSI, options);
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var info = (ConnectionProperties.Iscsi) backend.initializeConnection(volume, connector(""));
        assertThat(info.targetPortals()).containsExactly("10.1.0.4:3260", "[fd00::6]:3260");
        assertThat(info.targetLuns()).hasSize(2);
    }

    @Test
    void randomHexNamesHostsWithoutSystemUuidAndExistingHostIsReused() {
        CinderBackend backend = fixture.backend();
        CinderVolume first = volume(1);
        CinderVolume second = volume(1);
        backend.createVolume(first);
        backend.createVolume(second);
        var a = (ConnectionProperties.Iscsi) backend.initializeConnection(first, connector(""));
        var b = (ConnectionProperties.Iscsi) backend.initializeConnection(second, connector(""));
        assertThat(fixture.array.listHosts()).extracting(HostRecord::name)
                .containsExactly("compute-1-example-org-" + String.format("%032x", 1) + "-cinder");
        assertThat(a.targetLuns()).containsOnly(1);
        assertThat(b.targetLuns()).containsOnly(2);
        // A retried attach finds the existing connection and its LUN.
        var again = (ConnectionProperties.Iscsi) backend.initializeConnection(first, connector(""));
        assertThat(again.targetLuns()).containsOnly(1);
    }

    @Test
    void chapSecretIsGeneratedOnceAndKeptOnTheHost() {
        var options = CinderFixture.baseOptions();
        options.put("use_chap_auth", "true");
        options.put("pure_host_personality", "esxi");
        CinderBackend backend = fixture.backend(StorageProtocol.ISCSI, options);
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var info = (ConnectionProperties.Iscsi) backend.initializeConnection(volume, connector(SYSTEM_UUID));
        assertThat(info.authMethod()).isEqualTo("CHAP");
        assertThat(info.authUsername()).isEqualTo("compute_1.example.org");
        assertThat(info.authPassword()).isEqualTo("chap-secret-1");
        assertThat(info.toString()).doesNotContain("chap-secret-1");
        backend.terminateConnection(volume, Optional.of(connector(SYSTEM_UUID)));
        assertThat(fixture.array.listHosts()).isEmpty();
        CinderVolume other = volume(1);
        backend.createVolume(other);
        // The host was removed with its last connection; a new one gets a new secret.
        var next = (ConnectionProperties.Iscsi) backend.initializeConnection(other, connector(SYSTEM_UUID));
        var repeat = (ConnectionProperties.Iscsi) backend.initializeConnection(other, connector(SYSTEM_UUID));
        assertThat(next.authPassword()).isEqualTo("chap-secret-2").isEqualTo(repeat.authPassword());
        assertThat(fixture.array.findHostByInitiator(IQN)).get().extracting(HostRecord::personality).isEqualTo("esxi");
    }

    @Test
    void chapRefusesHostsCinderDidNotCreate() {
        var options = CinderFixture.baseOptions();
        options.put("use_chap_auth", "true");
        CinderBackend backend = fixture.backend(StorageProtocol.ISCSI, options);
        fixture.array.createHost("hand-made", List.of(IQN), List.of(), List.of());
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var error = failure(() -> backend.initializeConnection(volume, connector("")), ErrorCode.FAILED_PRECONDITION);
        assertThat(error.reason()).isEqualTo("HOST_NOT_DRIVER_MANAGED");
        assertThat(error.getMessage()).contains("hand-made");
    }

    @Test
    void missingInitiatorAndMissingVolumeAreRejected() {
        CinderBackend backend = fixture.backend();
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        HostConnector noIqn = new HostConnector("compute-1", "", null, null, "", "", "", false);
        var error = failure(() -> backend.initializeConnection(volume, noIqn), ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("connector.initiator");
        failure(() -> backend.initializeConnection(volume(1), connector("")), ErrorCode.NOT_FOUND);
        assertThat(fixture.array.listHosts()).isEmpty();
    }

    @Test
    void hostDeletedBetweenLookupAndConnectIsRecreated() {
        CinderBackend backend = fixture.backend();
        CinderVolume keep = volume(1);
        CinderVolume volume = volume(1);
        backend.createVolume(keep);
        backend.createVolume(volume);
        backend.initializeConnection(keep, connector(SYSTEM_UUID));
        String host = fixture.array.listHosts().get(0).name();
        fixture.array.beforeNext("connect", () -> {
            fixture.array.disconnect(host, arrayName(keep));
            fixture.array.deleteHost(host);
        });
        var info = (ConnectionProperties.Iscsi) backend.initializeConnection(volume, connector(SYSTEM_UUID));
        assertThat(info.targetLuns()).containsOnly(1);
        assertThat(fixture.array.listConnections(host, arrayName(volume))).hasSize(1);
    }

    @Test
    void terminateWithoutConnectorDisconnectsEveryHost() {
        CinderBackend backend = fixture.backend();
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        backend.initializeConnection(volume, connector(SYSTEM_UUID));
        backend.initializeConnection(volume,
                new HostConnector("compute-2", "iqn.2004-10.com.ubuntu:01:compute2", null, null, "", "", "", true));
        assertThat(fixture.array.listConnections(null, arrayName(volume))).hasSize(2);
        assertThat(backend.terminateConnection(volume, Optional.empty())).isEmpty();
        assertThat(fixture.array.listConnections(null, null)).isEmpty();
        assertThat(fixture.array.listHosts()).isEmpty();
        // Detaching again (or from an unknown host) is harmless.
        assertThat(backend.terminateConnection(volume, Optional.of(connector(SYSTEM_UUID)))).isEmpty();
    }

    @Test
    void concurrentAttachesOfOneHostShareOneHostObject() throws Exception {
        CinderBackend backend = fixture.backend();
        List<CinderVolume> volumes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CinderVolume volume = volume(1);
            backend.createVolume(volume);
            volumes.add(volume);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Integer> luns = new ArrayList<>();
        try {
            List<Future<ConnectionProperties>> futures = new ArrayList<>();
            for (CinderVolume volume : volumes) {
                futures.add(pool.submit(() -> backend.initializeConnection(volume, connector(""))));
            }
            for (Future<ConnectionProperties> future : futures) {
                luns.add(((ConnectionProperties.Iscsi) future.get(5, TimeUnit.SECONDS)).targetLuns().get(0));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fixture.array.listHosts()).hasSize(1);
        assertThat(luns).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    }
}
