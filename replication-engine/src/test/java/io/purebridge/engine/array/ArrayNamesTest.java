package io.purebridge.engine.array;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FlashArray's name rules and qualified names, as the simulator, the REST front end and Cinder use them. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ArrayNamesTest {
    private static final String MAX = "a".repeat(63);

    @ParameterizedTest
    @ValueSource(strings = {"v", "volume-1b2c-cinder", "vol_1", "_v_", "cinder-pod::volume-1-cinder",
        "vg1/volume-1-cinder", "v12345678901234567890123456789012345678901234567890123456789012"})
    void volumeNamesFlashArrayAccepts(String name) {
        assertThat(ArrayNames.isVolumeName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-v", "v-", "v.1", "a b", "pod::", "::v", "p_d::v", "pod::a::b", "vg_1/v", "vg/",
        "vg/pod::v", "pod::vg/v", "é", "v123456789012345678901234567890123456789012345678901234567890123"})
    void volumeNamesFlashArrayRefuses(String name) {
        assertThat(ArrayNames.isVolumeName(name)).isFalse();
    }

    @Test
    void hostsPodsAndGroupsTakeNoUnderscoreAndNoEdgeDash() {
        assertThat(ArrayNames.isObjectName("compute-1-0123abcd-cinder")).isTrue();
        assertThat(ArrayNames.isObjectName(MAX)).isTrue();
        assertThat(ArrayNames.isObjectName(MAX + "a")).isFalse();
        assertThat(ArrayNames.isObjectName("cinder_pod")).isFalse();
        assertThat(ArrayNames.isObjectName("-pod")).isFalse();
        assertThat(ArrayNames.isObjectName(null)).isFalse();
    }

    @Test
    void snapshotsAreAVolumeAndASuffix() {
        assertThat(ArrayNames.isSnapshotName("volume-1-cinder.snapshot-2")).isTrue();
        assertThat(ArrayNames.isSnapshotName("cinder-pod::volume-1-cinder.snapshot-2")).isTrue();
        assertThat(ArrayNames.isSnapshotName("cinder-group.3")).isTrue();
        assertThat(ArrayNames.isSnapshotName("volume-1-cinder.snap_2")).isFalse();
        assertThat(ArrayNames.isSnapshotName(".s")).isFalse();
        assertThat(ArrayNames.isSnapshotName("v.")).isFalse();
        assertThat(ArrayNames.snapshotDot("v.s")).isEqualTo(1);
    }

    @Test
    void podsOfQualifiedNames() {
        assertThat(ArrayNames.podOf("cinder-pod::volume-1-cinder")).contains("cinder-pod");
        assertThat(ArrayNames.podOf("cinder-pod::cinder-trisync.4.cinder-pod::v")).contains("cinder-pod");
        assertThat(ArrayNames.podOf("volume-1-cinder")).isEmpty();
        // A pod group's copy on an async target ("::" became ":") is in no pod there.
        assertThat(ArrayNames.podOf("cinder-pod:cinder-trisync.4.cinder-pod::v")).isEmpty();
        assertThat(ArrayNames.podOf(null)).isEmpty();
        assertThat(ArrayNames.withoutPod("cinder-pod::v")).isEqualTo("v");
        assertThat(ArrayNames.withoutPod("v")).isEqualTo("v");
        assertThat(ArrayNames.inPod("cinder-pod", "v")).isEqualTo("cinder-pod::v");
        assertThat(ArrayNames.inPod("", "v")).isEqualTo("v");
    }

    @Test
    void groupsOnAsyncTargets() {
        assertThat(ArrayNames.remoteGroupName("pure-primary", "cinder-group")).isEqualTo("pure-primary:cinder-group");
        assertThat(ArrayNames.remoteGroupName("pure-primary", "cinder-pod::cinder-trisync"))
                .isEqualTo("cinder-pod:cinder-trisync");
        assertThat(ArrayNames.groupSnapshotVolumeName("pure-primary:cinder-group.7", "volume-1-cinder"))
                .isEqualTo("pure-primary:cinder-group.7.volume-1-cinder");
    }
}
