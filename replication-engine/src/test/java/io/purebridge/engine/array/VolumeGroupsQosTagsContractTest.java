package io.purebridge.engine.array;

import static io.purebridge.engine.array.FlashArrayContractTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every array with {@link VolumeQos}, {@link VolumeGroups} and {@link VolumeTags} must do, in
 * FlashArray terms. Bind it by extending it and implementing {@link #newArray()} with an array that
 * has all three capabilities; names are unique to each test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class VolumeGroupsQosTagsContractTest {
    protected static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final String NS = "openstack-integration.purestorage.com";

    protected FlashArray array;
    protected VolumeQos qos;
    protected VolumeGroups groups;
    protected VolumeTags tags;
    protected String p;

    /** A session to an array for one test; the binding cleans it up after the test. */
    protected abstract FlashArray newArray();

    @BeforeEach
    void setUpArray() {
        array = newArray();
        qos = (VolumeQos) array;
        groups = (VolumeGroups) array;
        tags = (VolumeTags) array;
        p = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    // --- QoS -----------------------------------------------------------------------------------

    @Test
    void volumeCreatedWithQosReportsItAndUpdatesReplaceOrClearIt() {
        String v = p + "-qos";
        qos.createVolume(v, GIB, new QosLimits(10 * MIB, 500L));
        assertThat(qos.volumeQos(v)).isEqualTo(new QosLimits(10 * MIB, 500L));
        assertThat(qos.listVolumeQos()).containsEntry(v, new QosLimits(10 * MIB, 500L));

        qos.setVolumeQos(v, new QosLimits(null, QosLimits.MAX_IOPS));
        assertThat(qos.volumeQos(v)).isEqualTo(new QosLimits(null, QosLimits.MAX_IOPS));

        qos.setVolumeQos(v, QosLimits.UNLIMITED);
        assertThat(qos.volumeQos(v).unlimited()).isTrue();
        assertThat(qos.listVolumeQos()).doesNotContainKey(v);
    }

    @Test
    void plainVolumeIsUnlimitedAndUnknownVolumeIsNotFound() {
        array.createVolume(p + "-plain", GIB);
        assertThat(qos.volumeQos(p + "-plain")).isEqualTo(QosLimits.UNLIMITED);
        failure(() -> qos.volumeQos(p + "-missing"), ErrorCode.NOT_FOUND);
        failure(() -> qos.setVolumeQos(p + "-missing", new QosLimits(null, 1000L)), ErrorCode.NOT_FOUND);
    }

    @Test
    void qosOutOfRangeIsRejectedNamingTheFieldAndChangesNothing() {
        EngineException low = failure(() -> qos.createVolume(p + "-low", GIB, new QosLimits(MIB - 1, null)),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(low.getMessage()).contains("bandwidth_limit").contains(Long.toString(QosLimits.MIN_BANDWIDTH));
        assertThat(array.findVolume(p + "-low")).isEmpty();

        String v = p + "-range";
        qos.createVolume(v, GIB, new QosLimits(null, 1000L));
        EngineException iops = failure(() -> qos.setVolumeQos(v, new QosLimits(null, QosLimits.MAX_IOPS + 1)),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(iops.getMessage()).contains("iops_limit").contains(Long.toString(QosLimits.MAX_IOPS));
        failure(() -> qos.setVolumeQos(v, new QosLimits(QosLimits.MAX_BANDWIDTH + 1, null)),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(qos.volumeQos(v)).isEqualTo(new QosLimits(null, 1000L));
    }

    @Test
    void qosFollowsARename() {
        qos.createVolume(p + "-a", GIB, new QosLimits(2 * MIB, null));
        array.renameVolume(p + "-a", p + "-b");
        assertThat(qos.volumeQos(p + "-b")).isEqualTo(new QosLimits(2 * MIB, null));
    }

    // --- volume groups -------------------------------------------------------------------------

    @Test
    void groupHoldsVolumesAndIsDestroyedOnlyWhenEmpty() {
        String g = p + "-vg";
        VolumeGroupRecord created = groups.createVolumeGroup(g, new QosLimits(100 * MIB, 5000L));
        assertThat(created.name()).isEqualTo(g);
        assertThat(created.destroyed()).isFalse();
        assertThat(created.volumeCount()).isZero();
        assertThat(created.qos()).isEqualTo(new QosLimits(100 * MIB, 5000L));

        VolumeRecord member = array.createVolume(g + "/vol-1", GIB);
        assertThat(member.name()).isEqualTo(g + "/vol-1");
        assertThat(groups.findVolumeGroup(g)).hasValueSatisfying(r -> assertThat(r.volumeCount()).isEqualTo(1));
        failure(() -> groups.destroyVolumeGroup(g), ErrorCode.FAILED_PRECONDITION);

        array.destroyVolume(g + "/vol-1");
        assertThat(groups.findVolumeGroup(g)).hasValueSatisfying(r -> assertThat(r.volumeCount()).isZero());
        VolumeGroupRecord destroyed = groups.destroyVolumeGroup(g);
        assertThat(destroyed.destroyed()).isTrue();
        assertThat(groups.listVolumeGroups()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo(g);
            assertThat(r.destroyed()).isTrue();
        });

        failure(() -> array.createVolume(g + "/vol-2", GIB), ErrorCode.FAILED_PRECONDITION);
        failure(() -> array.recoverVolume(g + "/vol-1"), ErrorCode.FAILED_PRECONDITION);
        EngineException again = failure(() -> groups.createVolumeGroup(g, QosLimits.UNLIMITED),
                ErrorCode.FAILED_PRECONDITION);
        assertThat(again.getMessage()).contains("has been destroyed").doesNotContain("already exists");

        failure(() -> groups.eradicateVolumeGroup(g, false), ErrorCode.FAILED_PRECONDITION);
        groups.eradicateVolumeGroup(g, true);
        assertThat(groups.findVolumeGroup(g)).isEmpty();
        assertThat(array.findVolume(g + "/vol-1")).isEmpty();
    }

    @Test
    void destroyedGroupIsRecoveredWithItsQos() {
        String g = p + "-rec";
        groups.createVolumeGroup(g, new QosLimits(null, 300L));
        groups.destroyVolumeGroup(g);
        VolumeGroupRecord back = groups.recoverVolumeGroup(g);
        assertThat(back.destroyed()).isFalse();
        assertThat(back.qos()).isEqualTo(new QosLimits(null, 300L));
        array.createVolume(g + "/v", GIB);
        failure(() -> groups.eradicateVolumeGroup(g, false), ErrorCode.FAILED_PRECONDITION);
    }

    @Test
    void groupNamesAreCheckedAndUnique() {
        String g = p + "-uniq";
        groups.createVolumeGroup(g, QosLimits.UNLIMITED);
        EngineException dup = failure(() -> groups.createVolumeGroup(g, QosLimits.UNLIMITED), ErrorCode.ALREADY_EXISTS);
        assertThat(dup.getMessage()).contains("already exists");
        failure(() -> groups.createVolumeGroup(p + "_under", QosLimits.UNLIMITED), ErrorCode.INVALID_ARGUMENT);
        failure(() -> groups.createVolumeGroup(p + "/x", QosLimits.UNLIMITED), ErrorCode.INVALID_ARGUMENT);
        failure(() -> groups.createVolumeGroup(p + "-q", new QosLimits(null, 99L)), ErrorCode.INVALID_ARGUMENT);
        assertThat(groups.findVolumeGroup(p + "-q")).isEmpty();
        EngineException missing = failure(() -> array.createVolume(p + "-nogroup/v", GIB), ErrorCode.NOT_FOUND);
        assertThat(missing.getMessage()).contains("does not exist");
        failure(() -> groups.setVolumeGroupQos(p + "-nogroup", QosLimits.UNLIMITED), ErrorCode.NOT_FOUND);
        failure(() -> groups.destroyVolumeGroup(p + "-nogroup"), ErrorCode.NOT_FOUND);
    }

    @Test
    void groupQosIsReplacedAndCleared() {
        String g = p + "-gq";
        groups.createVolumeGroup(g, new QosLimits(MIB, 100L));
        assertThat(groups.setVolumeGroupQos(g, new QosLimits(QosLimits.MAX_BANDWIDTH, null)).qos())
                .isEqualTo(new QosLimits(QosLimits.MAX_BANDWIDTH, null));
        groups.setVolumeGroupQos(g, QosLimits.UNLIMITED);
        assertThat(groups.findVolumeGroup(g).orElseThrow().qos().unlimited()).isTrue();
    }

    @Test
    void volumesMoveIntoAndOutOfGroupsAndFollowAGroupRename() {
        String g = p + "-mv";
        groups.createVolumeGroup(g, QosLimits.UNLIMITED);
        array.createVolume(p + "-loose", GIB);
        VolumeRecord moved = groups.moveVolumeToGroup(p + "-loose", g);
        assertThat(moved.name()).isEqualTo(g + "/" + p + "-loose");
        array.createSnapshot(moved.name(), "s1");

        VolumeGroupRecord renamed = groups.renameVolumeGroup(g, g + "-2");
        assertThat(renamed.volumeCount()).isEqualTo(1);
        assertThat(array.findVolume(g + "-2/" + p + "-loose")).isPresent();
        assertThat(array.findSnapshot(g + "-2/" + p + "-loose.s1")).isPresent();
        assertThat(groups.findVolumeGroup(g)).isEmpty();

        VolumeRecord out = groups.moveVolumeToGroup(g + "-2/" + p + "-loose", "");
        assertThat(out.name()).isEqualTo(p + "-loose");
        assertThat(groups.findVolumeGroup(g + "-2").orElseThrow().volumeCount()).isZero();
        failure(() -> groups.moveVolumeToGroup(p + "-loose", p + "-absent"), ErrorCode.NOT_FOUND);
    }

    // --- tags ----------------------------------------------------------------------------------

    @Test
    void tagsAreUpsertedByNamespaceAndKeyAndDeletedByKeyOrNamespace() {
        String v = p + "-tag";
        array.createVolume(v, GIB);
        tags.putVolumeTags(List.of(new VolumeTag(v, NS, "ProjectId", "p1", false),
                new VolumeTag(v, NS, "VolType", "Data", false),
                new VolumeTag(v, null, "env", "dev", true)));
        tags.putVolumeTags(List.of(new VolumeTag(v, NS, "VolType", "Boot", false)));

        assertThat(tags.listVolumeTags(List.of(v))).containsExactlyInAnyOrder(
                new VolumeTag(v, NS, "ProjectId", "p1", false),
                new VolumeTag(v, NS, "VolType", "Boot", false),
                new VolumeTag(v, VolumeTag.DEFAULT_NAMESPACE, "env", "dev", true));

        assertThat(tags.deleteVolumeTags(v, NS, List.of("VolType"))).isEqualTo(1);
        assertThat(tags.listVolumeTags(List.of(v))).extracting(VolumeTag::key).containsExactlyInAnyOrder("ProjectId", "env");
        tags.deleteVolumeTags(v, NS, List.of());
        assertThat(tags.listVolumeTags(List.of(v))).containsExactly(
                new VolumeTag(v, VolumeTag.DEFAULT_NAMESPACE, "env", "dev", true));
    }

    @Test
    void tagsFollowARenameAndGoWithEradication() {
        String v = p + "-tr";
        array.createVolume(v, GIB);
        tags.putVolumeTags(List.of(new VolumeTag(v, NS, "VmId", "vm-1", false)));
        array.renameVolume(v, v + "-2");
        assertThat(tags.listVolumeTags(List.of(v + "-2"))).containsExactly(new VolumeTag(v + "-2", NS, "VmId", "vm-1", false));
        assertThat(tags.listVolumeTags(List.of())).contains(new VolumeTag(v + "-2", NS, "VmId", "vm-1", false));

        array.destroyVolume(v + "-2");
        array.eradicateVolume(v + "-2");
        array.createVolume(v + "-2", GIB);
        assertThat(tags.listVolumeTags(List.of(v + "-2"))).isEmpty();
    }

    @Test
    void tagsOnAnUnknownVolumeAreNotFoundAndChangeNothing() {
        String v = p + "-known";
        array.createVolume(v, GIB);
        failure(() -> tags.putVolumeTags(List.of(new VolumeTag(p + "-unknown", NS, "k", "v", false))),
                ErrorCode.NOT_FOUND);
        failure(() -> tags.putVolumeTags(List.of(new VolumeTag(v, NS, "k".repeat(65), "v", false))),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(tags.listVolumeTags(List.of(v))).isEmpty();
        failure(() -> tags.deleteVolumeTags(p + "-unknown", NS, List.of()), ErrorCode.NOT_FOUND);
    }
}
