package io.purebridge.engine.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PurityNamesTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef";

    @Test
    void hostNameIsShortenedSanitizedAndMarkedAsDriverMade() {
        String name = PurityNames.hostName("_.compute-node-with-a-very-long-name.example", HEX);
        // [:23] = "_.compute-node-with-a-v", then '_' and '.' become '-', and leading '-'s go.
        assertThat(name).isEqualTo("compute-node-with-a-v-" + HEX + "-cinder");
        assertThat(PurityNames.isGeneratedHost(name)).isTrue();
        assertThat(PurityNames.isGeneratedHost("compute-node-1")).isFalse();
    }

    @Test
    void longNamesKeepACustomTemplatePrefix() {
        String nameId = "x".repeat(40) + "-tail-of-the-id-0001";
        CinderVolume volume = new CinderVolume("id", nameId, "vol-" + nameId, "", 1, Map.of(), "");
        String name = PurityNames.volumeName(volume);
        // template "vol-%s" (6 chars): keep the last 56 - 6 = 50 characters of the id.
        assertThat(name).isEqualTo("vol-" + nameId.substring(nameId.length() - 50) + "-cinder");
        CinderVolume shortOne = new CinderVolume("id", "abc", "volume-abc", "", 1, Map.of(), "");
        assertThat(PurityNames.volumeName(shortOne)).isEqualTo("volume-abc-cinder");
    }

    @Test
    void unmanagedNamesFitTheirLimits() {
        assertThat(PurityNames.unmanagedName("volume-1-cinder", 63)).isEqualTo("volume-1-cinder-unmanaged");
        String longName = "v".repeat(60);
        assertThat(PurityNames.unmanagedName(longName, 63)).hasSize(63).endsWith("-unmanaged");
        assertThat(PurityNames.unmanagedSnapshotName("vol.snap")).isEqualTo("vol.snap-unmanaged");
        assertThat(PurityNames.podOf("cinder-pod::volume-1-cinder")).isEqualTo("cinder-pod");
        assertThat(PurityNames.podOf("volume-1-cinder")).isNull();
    }
}
