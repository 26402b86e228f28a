package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.ReplicationArray;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One key schema: no kind's prefix starts another's, so records of two kinds never collide. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetaKeysTest {
    private static final String TOKEN = "tok-keys-0123456789";

    @TempDir
    Path dir;

    @Test
    void noPrefixIsAPrefixOfAnother() {
        for (MetaKeys a : MetaKeys.values()) {
            for (MetaKeys b : MetaKeys.values()) {
                if (a != b) {
                    assertThat(startsWith(b.prefix(), a.prefix()))
                            .as("%s (%s) starts %s (%s)", a, a.text(), b, b.text()).isFalse();
                }
            }
        }
    }

    @Test
    void aVolumeGroupAndAProtectionGroupOfOneNameLiveSideBySideAcrossAReopen() {
        try (SimulatedArrayHost host = newHost()) {
            ReplicationArray array = (ReplicationArray) host.open("pure-a", TOKEN);
            array.createProtectionGroup("cinder-group");
            host.open("pure-a", TOKEN).createVolumeGroup("cinder-group", new QosLimits(null, 900L));
        }
        try (SimulatedArrayHost host = newHost()) {
            SimulatedFlashArray array = host.open("pure-a", TOKEN);
            assertThat(array.listVolumeGroups()).singleElement()
                    .satisfies(g -> assertThat(g.qos()).isEqualTo(new QosLimits(null, 900L)));
            assertThat(array.findProtectionGroup("cinder-group")).isPresent();
        }
    }

    @Test
    void aProtectionGroupAloneDoesNotBreakListingVolumeGroupsAfterAReopen() {
        try (SimulatedArrayHost host = newHost()) {
            ((ReplicationArray) host.open("pure-a", TOKEN)).createProtectionGroup("cinder-group");
        }
        try (SimulatedArrayHost host = newHost()) {
            assertThat(host.open("pure-a", TOKEN).listVolumeGroups()).isEmpty();
        }
    }

    private SimulatedArrayHost newHost() {
        return new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", TOKEN)), Clock.systemUTC());
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
