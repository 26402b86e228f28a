package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.rest.RestApiVersion;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestClientOptions;
import io.purebridge.engine.rest.RestFlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** RestFlashArray -> HTTPS -> RestFrontEnd -> InMemoryFlashArray, through the SPI. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestRoundTripTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dataDir;
    private FrontEndFixture fx;
    private RestFlashArray client;

    @BeforeEach
    void setUp() throws Exception {
        fx = new FrontEndFixture(dataDir);
        client = fx.client(2);
    }

    @AfterEach
    void tearDown() {
        client.close();
        fx.close();
    }

    private static void assertFails(ThrowingCallable call, ErrorCode code, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            if (reason != null) {
                assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            }
            assertThat(e.getMessage()).doesNotContain(FrontEndFixture.TOKEN);
        });
    }

    @Test
    void negotiatesTheHighestImplementedVersionAndReadsTheArray() {
        assertThat(client.restVersion()).isEqualTo(RestApiVersion.IMPLEMENTED);
        assertThat(client.arrayInfo()).isEqualTo(fx.array.arrayInfo());
        client.createVolume("v1", 2 * GIB);
        assertThat(client.space().totalProvisionedBytes()).isEqualTo(2 * GIB);
        assertThat(client.space().capacityBytes()).isEqualTo(fx.array.space().capacityBytes());
    }

    @Test
    void volumeLifecycle() {
        VolumeRecord created = client.createVolume("volume-1-cinder", GIB);
        assertThat(created.name()).isEqualTo("volume-1-cinder");
        assertThat(created.provisionedBytes()).isEqualTo(GIB);
        assertThat(created.serial()).isEqualTo(fx.array.findVolume("volume-1-cinder").orElseThrow().serial());
        assertThat(client.findVolume("volume-1-cinder")).contains(created);
        assertThat(client.findVolume("nope")).isEmpty();

        assertThat(client.resizeVolume("volume-1-cinder", 2 * GIB, false).provisionedBytes()).isEqualTo(2 * GIB);
        assertFails(() -> client.resizeVolume("volume-1-cinder", GIB, false), ErrorCode.OUT_OF_RANGE, null);
        assertThat(client.resizeVolume("volume-1-cinder", GIB, true).provisionedBytes()).isEqualTo(GIB);

        assertThat(client.renameVolume("volume-1-cinder", "volume-2-cinder").name()).isEqualTo("volume-2-cinder");
        assertThat(fx.array.findVolume("volume-1-cinder")).isEmpty();

        assertFails(() -> client.createVolume("volume-2-cinder", GIB), ErrorCode.ALREADY_EXISTS, null);
        assertFails(() -> client.eradicateVolume("volume-2-cinder"), ErrorCode.FAILED_PRECONDITION, "NOT_DESTROYED");

        client.destroyVolume("volume-2-cinder");
        assertThat(client.findVolume("volume-2-cinder").orElseThrow().destroyed()).isTrue();
        assertFails(() -> client.createVolume("volume-2-cinder", GIB), ErrorCode.ALREADY_EXISTS, "DESTROYED");
        assertThat(client.recoverVolume("volume-2-cinder").destroyed()).isFalse();
        client.destroyVolume("volume-2-cinder");
        client.eradicateVolume("volume-2-cinder");
        assertThat(client.findVolume("volume-2-cinder")).isEmpty();
        assertThat(fx.array.listVolumes()).isEmpty();
        assertFails(() -> client.eradicateVolume("volume-2-cinder"), ErrorCode.NOT_FOUND, null);
    }

    @Test
    void snapshotsAndCopies() {
        client.createVolume("src", GIB);
        fx.array.writeContent("src", "first");
        SnapshotRecord snap = client.createSnapshot("src", "s1");
        assertThat(snap.name()).isEqualTo("src.s1");
        assertThat(snap.sourceName()).isEqualTo("src");
        assertThat(snap.suffix()).isEqualTo("s1");
        assertThat(client.findSnapshot("src.s1")).contains(snap);
        assertThat(client.findSnapshot("src.none")).isEmpty();
        assertThat(client.listSnapshots("src")).containsExactly(snap);
        assertFails(() -> client.createSnapshot("src", "s1"), ErrorCode.ALREADY_EXISTS, null);
        assertFails(() -> client.createSnapshot("missing", "s1"), ErrorCode.NOT_FOUND, null);

        fx.array.writeContent("src", "second");
        VolumeRecord clone = client.copyVolume("src.s1", "clone", false);
        assertThat(clone.sourceName()).isEqualTo("src.s1");
        assertThat(fx.array.content("clone")).isEqualTo("first");
        client.copyVolume("src.s1", "src", true);
        assertThat(fx.array.content("src")).isEqualTo("first");
        assertFails(() -> client.copyVolume("src.s1", "clone", false), ErrorCode.ALREADY_EXISTS, null);

        assertThat(client.renameSnapshot("src.s1", "src.s2").name()).isEqualTo("src.s2");
        client.destroySnapshot("src.s2");
        assertThat(client.findSnapshot("src.s2").orElseThrow().destroyed()).isTrue();
        client.eradicateSnapshot("src.s2");
        assertThat(client.listSnapshots(null)).isEmpty();
    }

    @Test
    void hostsConnectionsAndInitiatorLookup() {
        String iqn = "iqn.1993-08.org.debian:01:abc";
        String nqn = "nqn.2014-08.org.nvmexpress:uuid:1234";
        HostRecord host = client.createHost("host-a", List.of(iqn), List.of("21:00:00:24:FF:4C:2A:01"), List.of(nqn));
        assertThat(host.iqns()).containsExactly(iqn);
        assertFails(() -> client.createHost("host-a", List.of(), List.of(), List.of()), ErrorCode.ALREADY_EXISTS, null);
        assertThat(client.findHostByInitiator(iqn)).map(HostRecord::name).contains("host-a");
        assertThat(client.findHostByInitiator(nqn)).map(HostRecord::name).contains("host-a");
        assertThat(client.findHostByInitiator("21000024ff4c2a01")).map(HostRecord::name).contains("host-a");
        assertThat(client.findHostByInitiator("iqn.2000-01.other:none")).isEmpty();

        HostRecord updated = client.updateHost("host-a", "esxi", "chapuser", "a-secret-of-16ch");
        assertThat(updated.personality()).isEqualTo("esxi");
        assertThat(updated.chapUser()).isEqualTo("chapuser");
        assertThat(updated.chapSecret()).isEqualTo("a-secret-of-16ch");
        assertThat(updated.toString()).doesNotContain("a-secret-of-16ch");
        assertThat(fx.array.findHost("host-a").orElseThrow().chapSecret()).isEqualTo("a-secret-of-16ch");

        client.createVolume("v1", GIB);
        client.createVolume("v2", GIB);
        ConnectionRecord c1 = client.connect("host-a", "v1");
        ConnectionRecord c2 = client.connect("host-a", "v2");
        assertThat(c1.lun()).isEqualTo(1);
        assertThat(c2.lun()).isEqualTo(2);
        assertFails(() -> client.connect("host-a", "v1"), ErrorCode.ALREADY_EXISTS, null);
        assertFails(() -> client.connect("nohost", "v1"), ErrorCode.NOT_FOUND, null);
        assertThat(client.listConnections("host-a", null)).containsExactlyInAnyOrder(c1, c2);
        assertThat(client.listConnections(null, "v2")).containsExactly(c2);
        assertThat(client.listConnections("nohost", null)).isEmpty();
        assertThat(client.listSnapshots("novolume")).isEmpty();
        assertThat(client.findHost("host-a").orElseThrow().connectionCount()).isEqualTo(2);
        assertThat(fx.array.findVolume("v1")).isPresent();

        assertFails(() -> client.destroyVolume("v1"), ErrorCode.FAILED_PRECONDITION, "HAS_CONNECTIONS");
        assertFails(() -> client.deleteHost("host-a"), ErrorCode.FAILED_PRECONDITION, "HAS_CONNECTIONS");
        client.disconnect("host-a", "v1");
        client.disconnect("host-a", "v2");
        assertFails(() -> client.disconnect("host-a", "v2"), ErrorCode.NOT_FOUND, null);
        client.deleteHost("host-a");
        assertThat(client.listHosts()).isEmpty();
        assertThat(client.findHost("host-a")).isEmpty();
    }

    @Test
    void portsKeepTheirServices() {
        List<PortRecord> expected = fx.array.listPorts();
        List<PortRecord> ports = client.listPorts();
        assertThat(ports).hasSameSizeAs(expected);
        assertThat(ports).extracting(PortRecord::service).containsAll(List.of(PortService.values()));
        assertThat(ports).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void listsEveryPage() {
        for (int i = 0; i < 7; i++) {
            client.createVolume("page-" + i, GIB);
        }
        assertThat(client.listVolumes()).extracting(VolumeRecord::name)
                .containsExactlyInAnyOrder("page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6");
    }

    @Test
    void logsInAgainWhenTheSessionExpires() {
        client.createVolume("before", GIB);
        fx.frontEnd.expireSessions();
        assertThat(client.findVolume("before")).isPresent();
        fx.frontEnd.expireSessions();
        client.createVolume("after", GIB);
        assertThat(fx.array.findVolume("after")).isPresent();
    }

    @Test
    void wrongTokenIsUnauthenticatedAndNeverEchoed() {
        RestArrayConnector connector = new RestArrayConnector(RestClientOptions.defaults(), Clock.systemUTC(), ms -> { });
        ArrayEndpoint bad = fx.endpoint("wrong-token-0000");
        assertThatThrownBy(() -> connector.connect(bad)).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(e.getMessage()).contains(fx.sanIp()).doesNotContain("wrong-token-0000");
        });
        assertThat(bad.toString()).doesNotContain("wrong-token-0000");
    }

    @Test
    void arrayUnavailableIsUnavailable() {
        fx.array.setUnavailable(true);
        assertFails(() -> client.listVolumes(), ErrorCode.UNAVAILABLE, null);
        fx.array.setUnavailable(false);
        assertThat(client.listVolumes()).isEmpty();
    }

    @Test
    void tlsVerificationUsesTheCaBundleOrIsOff() {
        RestClientOptions options = RestClientOptions.defaults().withRetries(1, Duration.ofMillis(1));
        RestArrayConnector connector = new RestArrayConnector(options, Clock.systemUTC(), ms -> { });
        String san = fx.sanIp();
        // The front end's certificate is self-signed: the JVM's default trust refuses it.
        assertThatThrownBy(() -> connector.connect(new ArrayEndpoint(san, FrontEndFixture.TOKEN, true, null)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.getMessage()).contains(san);
                });
        RestFlashArray pinned = connector.connect(new ArrayEndpoint(san, FrontEndFixture.TOKEN, true,
                fx.frontEnd.certificatePem().toString()));
        assertThat(pinned.arrayInfo().name()).isEqualTo(FrontEndFixture.ARRAY);
        RestFlashArray unverified = connector.connect(new ArrayEndpoint(san, FrontEndFixture.TOKEN, false, null));
        assertThat(unverified.arrayInfo().name()).isEqualTo(FrontEndFixture.ARRAY);
        assertThatThrownBy(() -> connector.connect(new ArrayEndpoint(san, FrontEndFixture.TOKEN, true,
                dataDir.resolve("missing.pem").toString())))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
