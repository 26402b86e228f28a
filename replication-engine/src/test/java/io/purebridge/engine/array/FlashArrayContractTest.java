package io.purebridge.engine.array;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every FlashArray wiring must do, in FlashArray terms. Bind it by extending it and
 * implementing {@link #newArray()}; it uses only the SPI, and names unique to each test so it can
 * also run against an array that already holds objects.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class FlashArrayContractTest {
    protected static final long GIB = 1L << 30;

    protected FlashArray array;
    protected String p;

    /** A session to an array for one test; the binding cleans it up after the test. */
    protected abstract FlashArray newArray();

    @BeforeEach
    void setUpArray() {
        array = newArray();
        p = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static EngineException failure(ThrowingCallable call, ErrorCode code) {
        EngineException[] caught = new EngineException[1];
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (EngineException e) {
                caught[0] = e;
                throw e;
            }
        }).isInstanceOf(EngineException.class);
        assertThat(caught[0].code()).as(caught[0].getMessage()).isEqualTo(code);
        return caught[0];
    }

    // --- volumes -------------------------------------------------------------------------------

    @Test
    void createdVolumeIsFoundWithSerialIdAndSize() {
        VolumeRecord v = array.createVolume(p + "-vol", GIB);
        assertThat(v.name()).isEqualTo(p + "-vol");
        assertThat(v.provisionedBytes()).isEqualTo(GIB);
        assertThat(v.serial()).matches("[0-9A-F]{24}");
        assertThat(UUID.fromString(v.id()).toString()).isEqualTo(v.id());
        assertThat(v.destroyed()).isFalse();
        assertThat(array.findVolume(p + "-vol")).contains(v);
        assertThat(array.listVolumes()).contains(v);
        assertThat(array.findVolume(p + "-other")).isEmpty();
    }

    @Test
    void serialsAndIdsAreUnique() {
        Set<String> serials = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            VolumeRecord v = array.createVolume(p + "-v" + i, GIB);
            SnapshotRecord s = array.createSnapshot(v.name(), "s" + i);
            serials.add(v.serial());
            serials.add(s.serial());
            ids.add(v.id());
            ids.add(s.id());
        }
        assertThat(serials).hasSize(10);
        assertThat(ids).hasSize(10);
    }

    @Test
    void podQualifiedAndUnderscoreNamesAreValid() {
        assertThat(array.createVolume("pod1::" + p + "_a-b", GIB).name()).isEqualTo("pod1::" + p + "_a-b");
    }

    @Test
    void invalidNamesAreRejected() {
        failure(() -> array.createVolume(p + ".x", GIB), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createVolume("", GIB), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createVolume("a".repeat(64), GIB), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createVolume(p + " x", GIB), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createVolume("::" + p, GIB), ErrorCode.INVALID_ARGUMENT);
        assertThat(array.createVolume((p + "a".repeat(63)).substring(0, 63), GIB).name()).hasSize(63);
    }

    @Test
    void invalidSizesAreRejected() {
        failure(() -> array.createVolume(p, 0), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createVolume(p, 1000), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createVolume(p, 4_503_599_627_370_496L + 512), ErrorCode.OUT_OF_RANGE);
        assertThat(array.findVolume(p)).isEmpty();
    }

    @Test
    void creatingAnExistingNameFails() {
        array.createVolume(p, GIB);
        EngineException e = failure(() -> array.createVolume(p, 2 * GIB), ErrorCode.ALREADY_EXISTS);
        assertThat(e.getMessage()).contains(p).contains("already exists");
        assertThat(array.findVolume(p).orElseThrow().provisionedBytes()).isEqualTo(GIB);
    }

    @Test
    void destroyedNameStillBlocksCreateUntilEradicated() {
        array.createVolume(p, GIB);
        array.destroyVolume(p);
        EngineException e = failure(() -> array.createVolume(p, GIB), ErrorCode.ALREADY_EXISTS);
        assertThat(e.reason()).isEqualTo("DESTROYED");
        assertThat(e.getMessage()).contains("has been destroyed");
        array.eradicateVolume(p);
        assertThat(array.findVolume(p)).isEmpty();
        assertThat(array.createVolume(p, GIB).destroyed()).isFalse();
    }

    @Test
    void missingVolumeIsNotFound() {
        EngineException e = failure(() -> array.destroyVolume(p), ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("does not exist").contains(p);
        failure(() -> array.resizeVolume(p, GIB, false), ErrorCode.NOT_FOUND);
        failure(() -> array.renameVolume(p, p + "-b"), ErrorCode.NOT_FOUND);
        failure(() -> array.recoverVolume(p), ErrorCode.NOT_FOUND);
        failure(() -> array.eradicateVolume(p), ErrorCode.NOT_FOUND);
        failure(() -> array.createSnapshot(p, "s1"), ErrorCode.NOT_FOUND);
        failure(() -> array.copyVolume(p, p + "-b", false), ErrorCode.NOT_FOUND);
    }

    @Test
    void destroyRecoverEradicateLifecycle() {
        array.createVolume(p, GIB);
        array.destroyVolume(p);
        VolumeRecord destroyed = array.findVolume(p).orElseThrow();
        assertThat(destroyed.destroyed()).isTrue();
        assertThat(destroyed.destroyedEpochMillis()).isPositive();
        assertThat(array.listVolumes()).extracting(VolumeRecord::name).contains(p);
        assertThat(failure(() -> array.destroyVolume(p), ErrorCode.FAILED_PRECONDITION).reason())
                .isEqualTo("DESTROYED");
        failure(() -> array.resizeVolume(p, 2 * GIB, false), ErrorCode.FAILED_PRECONDITION);
        failure(() -> array.createSnapshot(p, "s1"), ErrorCode.FAILED_PRECONDITION);

        VolumeRecord recovered = array.recoverVolume(p);
        assertThat(recovered.destroyed()).isFalse();
        assertThat(recovered.serial()).isEqualTo(destroyed.serial());
        failure(() -> array.eradicateVolume(p), ErrorCode.FAILED_PRECONDITION);
        failure(() -> array.recoverVolume(p), ErrorCode.FAILED_PRECONDITION);

        array.destroyVolume(p);
        array.eradicateVolume(p);
        assertThat(array.findVolume(p)).isEmpty();
    }

    @Test
    void destroyingAVolumeDestroysItsSnapshotsAndRecoverBringsThemBack() {
        array.createVolume(p, GIB);
        array.createSnapshot(p, "s1");
        array.destroyVolume(p);
        assertThat(array.findSnapshot(p + ".s1").orElseThrow().destroyed()).isTrue();
        array.recoverVolume(p);
        assertThat(array.findSnapshot(p + ".s1").orElseThrow().destroyed()).isFalse();
        array.destroyVolume(p);
        array.eradicateVolume(p);
        assertThat(array.findSnapshot(p + ".s1")).isEmpty();
    }

    @Test
    void resizeGrowsAndShrinksOnlyWithTruncate() {
        array.createVolume(p, 2 * GIB);
        assertThat(array.resizeVolume(p, 3 * GIB, false).provisionedBytes()).isEqualTo(3 * GIB);
        failure(() -> array.resizeVolume(p, GIB, false), ErrorCode.OUT_OF_RANGE);
        assertThat(array.findVolume(p).orElseThrow().provisionedBytes()).isEqualTo(3 * GIB);
        assertThat(array.resizeVolume(p, GIB, true).provisionedBytes()).isEqualTo(GIB);
        failure(() -> array.resizeVolume(p, 1000, true), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void renameMovesSnapshotsAndConnectionsAndKeepsIdentity() {
        VolumeRecord v = array.createVolume(p, GIB);
        array.createSnapshot(p, "s1");
        array.createHost(p + "-h", List.of("iqn.2020-01.org.test:" + p), List.of(), List.of());
        ConnectionRecord c = array.connect(p + "-h", p);
        VolumeRecord renamed = array.renameVolume(p, p + "-new");
        assertThat(renamed.id()).isEqualTo(v.id());
        assertThat(renamed.serial()).isEqualTo(v.serial());
        assertThat(array.findVolume(p)).isEmpty();
        assertThat(array.findSnapshot(p + "-new.s1").orElseThrow().sourceName()).isEqualTo(p + "-new");
        assertThat(array.listConnections(p + "-h", null))
                .containsExactly(new ConnectionRecord(p + "-h", p + "-new", c.lun()));
        array.createVolume(p + "-taken", GIB);
        failure(() -> array.renameVolume(p + "-new", p + "-taken"), ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void copyCreatesOrOverwrites() {
        array.createVolume(p + "-src", 2 * GIB);
        VolumeRecord copy = array.copyVolume(p + "-src", p + "-dst", false);
        assertThat(copy.provisionedBytes()).isEqualTo(2 * GIB);
        assertThat(copy.sourceName()).isEqualTo(p + "-src");
        failure(() -> array.copyVolume(p + "-src", p + "-dst", false), ErrorCode.ALREADY_EXISTS);
        assertThat(array.copyVolume(p + "-src", p + "-new", true).provisionedBytes()).isEqualTo(2 * GIB);
        failure(() -> array.copyVolume(p + "-missing", p + "-other", true), ErrorCode.NOT_FOUND);

        array.resizeVolume(p + "-src", 4 * GIB, false);
        VolumeRecord overwritten = array.copyVolume(p + "-src", p + "-dst", true);
        assertThat(overwritten.id()).isEqualTo(copy.id());
        assertThat(overwritten.serial()).isEqualTo(copy.serial());
        assertThat(overwritten.provisionedBytes()).isEqualTo(4 * GIB);

        array.createSnapshot(p + "-src", "s1");
        assertThat(array.copyVolume(p + "-src.s1", p + "-fromsnap", false).provisionedBytes()).isEqualTo(4 * GIB);
    }

    // --- snapshots -----------------------------------------------------------------------------

    @Test
    void snapshotsAreNamedVolumeDotSuffix() {
        array.createVolume(p, GIB);
        SnapshotRecord s = array.createSnapshot(p, "snapshot-1");
        assertThat(s.name()).isEqualTo(p + ".snapshot-1");
        assertThat(s.sourceName()).isEqualTo(p);
        assertThat(s.suffix()).isEqualTo("snapshot-1");
        assertThat(s.provisionedBytes()).isEqualTo(GIB);
        assertThat(s.serial()).matches("[0-9A-F]{24}");
        assertThat(array.findSnapshot(s.name())).contains(s);
        assertThat(array.listSnapshots(p)).containsExactly(s);
        assertThat(array.listSnapshots(null)).contains(s);
        failure(() -> array.createSnapshot(p, "snapshot-1"), ErrorCode.ALREADY_EXISTS);
        failure(() -> array.createSnapshot(p, "bad.suffix"), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void snapshotsOfOtherVolumesAreNotListed() {
        array.createVolume(p, GIB);
        array.createVolume(p + "x", GIB);
        array.createSnapshot(p, "a");
        array.createSnapshot(p + "x", "b");
        assertThat(array.listSnapshots(p)).extracting(SnapshotRecord::name).containsExactly(p + ".a");
    }

    @Test
    void snapshotDestroyEradicateAndRename() {
        array.createVolume(p, GIB);
        array.createSnapshot(p, "s1");
        SnapshotRecord renamed = array.renameSnapshot(p + ".s1", p + ".s2");
        assertThat(renamed.suffix()).isEqualTo("s2");
        assertThat(array.findSnapshot(p + ".s1")).isEmpty();
        failure(() -> array.renameSnapshot(p + ".s2", "other.s3"), ErrorCode.INVALID_ARGUMENT);

        failure(() -> array.eradicateSnapshot(p + ".s2"), ErrorCode.FAILED_PRECONDITION);
        array.destroySnapshot(p + ".s2");
        assertThat(array.findSnapshot(p + ".s2").orElseThrow().destroyed()).isTrue();
        EngineException e = failure(() -> array.createSnapshot(p, "s2"), ErrorCode.ALREADY_EXISTS);
        assertThat(e.getMessage()).contains("has been destroyed");
        failure(() -> array.copyVolume(p + ".s2", p + "-c", false), ErrorCode.FAILED_PRECONDITION);
        array.eradicateSnapshot(p + ".s2");
        assertThat(array.findSnapshot(p + ".s2")).isEmpty();
        failure(() -> array.destroySnapshot(p + ".s2"), ErrorCode.NOT_FOUND);
    }

    // --- hosts and connections -----------------------------------------------------------------

    @Test
    void hostsHoldInitiatorsAndAreFoundByAnyOfThem() {
        String iqn = "iqn.1993-08.org.debian:01:" + p;
        String nqn = "nqn.2014-08.org.nvmexpress:uuid:" + p;
        HostRecord h = array.createHost(p + "-h", List.of(iqn), List.of("21:00:00:24:ff:4c:aa:01"), List.of(nqn));
        assertThat(h.iqns()).containsExactly(iqn);
        assertThat(h.nqns()).containsExactly(nqn);
        assertThat(h.connectionCount()).isZero();
        assertThat(array.findHost(p + "-h")).contains(h);
        assertThat(array.listHosts()).contains(h);
        assertThat(array.findHostByInitiator(iqn)).contains(h);
        assertThat(array.findHostByInitiator(nqn)).contains(h);
        assertThat(array.findHostByInitiator("21000024FF4CAA01")).contains(h);
        assertThat(array.findHostByInitiator("21:00:00:24:FF:4C:AA:01")).contains(h);
        assertThat(array.findHostByInitiator("iqn.1993-08.org.debian:01:nobody")).isEmpty();

        failure(() -> array.createHost(p + "-h", List.of(), List.of(), List.of()), ErrorCode.ALREADY_EXISTS);
        EngineException e = failure(() -> array.createHost(p + "-h2", List.of(iqn), List.of(), List.of()),
                ErrorCode.ALREADY_EXISTS);
        assertThat(e.getMessage()).contains("already in use");
        assertThat(array.findHost(p + "-h2")).isEmpty();
        failure(() -> array.createHost(p + "_bad", List.of(), List.of(), List.of()), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.createHost(p + "-h3", List.of(), List.of("xyz"), List.of()), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void updateHostSetsChapAndPersonalityAndHidesSecret() {
        array.createHost(p, List.of("iqn.2020-01.org.test:" + p), List.of(), List.of());
        HostRecord h = array.updateHost(p, "esxi", "user1", "secret-123456789");
        assertThat(h.personality()).isEqualTo("esxi");
        assertThat(h.chapUser()).isEqualTo("user1");
        assertThat(h.chapSecret()).isEqualTo("secret-123456789");
        assertThat(h.toString()).doesNotContain("secret-123456789");
        HostRecord unchanged = array.updateHost(p, null, null, null);
        assertThat(unchanged).isEqualTo(h);
        failure(() -> array.updateHost(p, "no-such-os", null, null), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.updateHost(p, null, "u", "short"), ErrorCode.INVALID_ARGUMENT);
        failure(() -> array.updateHost(p + "-none", "esxi", null, null), ErrorCode.NOT_FOUND);
    }

    @Test
    void connectUsesLowestFreeLunFromOne() {
        array.createHost(p, List.of("iqn.2020-01.org.test:" + p), List.of(), List.of());
        for (int i = 0; i < 3; i++) {
            array.createVolume(p + "-v" + i, GIB);
        }
        assertThat(array.connect(p, p + "-v0").lun()).isEqualTo(1);
        assertThat(array.connect(p, p + "-v1").lun()).isEqualTo(2);
        array.disconnect(p, p + "-v0");
        assertThat(array.connect(p, p + "-v2").lun()).isEqualTo(1);
        assertThat(array.connect(p, p + "-v0").lun()).isEqualTo(3);
        assertThat(array.findHost(p).orElseThrow().connectionCount()).isEqualTo(3);
        assertThat(array.listConnections(p, null)).extracting(ConnectionRecord::lun).containsExactly(1, 2, 3);
        assertThat(array.listConnections(null, p + "-v1")).containsExactly(new ConnectionRecord(p, p + "-v1", 2));

        EngineException dup = failure(() -> array.connect(p, p + "-v1"), ErrorCode.ALREADY_EXISTS);
        assertThat(dup.getMessage()).contains("already exists");
        failure(() -> array.connect(p + "-none", p + "-v1"), ErrorCode.NOT_FOUND);
        failure(() -> array.connect(p, p + "-none"), ErrorCode.NOT_FOUND);
    }

    @Test
    void disconnectOfAMissingConnectionIsNotFound() {
        array.createHost(p, List.of(), List.of(), List.of());
        array.createVolume(p + "-v", GIB);
        failure(() -> array.disconnect(p, p + "-v"), ErrorCode.NOT_FOUND);
        failure(() -> array.disconnect(p + "-none", p + "-v"), ErrorCode.NOT_FOUND);
    }

    @Test
    void connectedVolumeCannotBeDestroyedNorItsHostDeleted() {
        array.createHost(p, List.of(), List.of(), List.of("nqn.2014-08.org.nvmexpress:uuid:" + p));
        array.createVolume(p + "-v", GIB);
        array.connect(p, p + "-v");
        assertThat(failure(() -> array.destroyVolume(p + "-v"), ErrorCode.FAILED_PRECONDITION).getMessage())
                .contains(p + "-v");
        assertThat(array.findVolume(p + "-v").orElseThrow().destroyed()).isFalse();
        EngineException e = failure(() -> array.deleteHost(p), ErrorCode.FAILED_PRECONDITION);
        assertThat(e.getMessage()).contains("existing connections");
        assertThat(array.findHost(p)).isPresent();

        array.disconnect(p, p + "-v");
        array.destroyVolume(p + "-v");
        failure(() -> array.connect(p, p + "-v"), ErrorCode.FAILED_PRECONDITION);
        array.deleteHost(p);
        assertThat(array.findHost(p)).isEmpty();
        failure(() -> array.deleteHost(p), ErrorCode.NOT_FOUND);
    }

    // --- ports and space -----------------------------------------------------------------------

    @Test
    void portsCoverEveryProtocol() {
        List<PortRecord> ports = array.listPorts();
        List<PortRecord> iscsi = ports.stream().filter(x -> x.service() == PortService.ISCSI).toList();
        assertThat(iscsi).hasSizeGreaterThanOrEqualTo(2);
        assertThat(iscsi).allSatisfy(x -> {
            assertThat(x.iqn()).startsWith("iqn.2010-06.com.purestorage:flasharray.");
            assertThat(x.portal()).endsWith(":3260");
        });
        assertThat(iscsi.stream().map(PortRecord::iqn).distinct()).hasSize(1);
        assertThat(iscsi.stream().map(PortRecord::portal).distinct()).hasSize(iscsi.size());
        assertThat(ports.stream().filter(x -> x.service() == PortService.FC))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(x -> assertThat(x.wwn()).matches("([0-9A-F]{2}:){7}[0-9A-F]{2}"));
        for (PortService nvme : List.of(PortService.NVME_TCP, PortService.NVME_ROCE)) {
            assertThat(ports.stream().filter(x -> x.service() == nvme))
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(x -> {
                        assertThat(x.nqn()).startsWith("nqn.2010-06.com.purestorage:flasharray.");
                        assertThat(x.portal()).endsWith(":4420");
                    });
        }
        assertThat(ports).allSatisfy(x -> assertThat(x.name()).matches("CT[0-9]\\.[A-Z]+[0-9]+"));
        assertThat(array.listPorts()).isEqualTo(ports);
    }

    @Test
    void spaceCountsProvisionedSizeOfLiveVolumes() {
        long before = array.space().totalProvisionedBytes();
        array.createVolume(p + "-a", GIB);
        array.createVolume(p + "-b", 2 * GIB);
        assertThat(array.space().totalProvisionedBytes()).isEqualTo(before + 3 * GIB);
        array.destroyVolume(p + "-b");
        assertThat(array.space().totalProvisionedBytes()).isEqualTo(before + GIB);
        ArraySpace space = array.space();
        assertThat(space.capacityBytes()).isPositive();
        assertThat(space.totalPhysicalBytes()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void arrayInfoNamesTheArray() {
        ArrayInfo info = array.arrayInfo();
        assertThat(info.name()).isNotBlank();
        assertThat(info.id()).isNotBlank();
        assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(array.arrayInfo()).isEqualTo(info);
    }
}
