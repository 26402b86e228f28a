package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.array.VolumeGroupRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * A data directory written by the release whose volume groups and protection groups both used
 * {@code g/NAME} opens, and reads back identically, after its group records moved to their own keys.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetaKeysUpgradeTest {
    private static final String TOKEN = "tok-upgrade-0123456789";
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void earlierReleaseDataOpensAndReadsBackIdentically() throws Exception {
        byte[] data = new byte[256 * 1024];
        Arrays.fill(data, (byte) 7);
        String checksum;
        List<VolumeGroupRecord> groupsBefore;
        ProtectionGroupRecord pgBefore;
        try (SimulatedArrayHost host = newHost()) {
            SimulatedFlashArray array = host.open("pure-a", TOKEN);
            array.createVolumeGroup("vg1", new QosLimits(1L << 30, 2000L));
            array.createVolume("vg1/v1", GIB);
            array.write("vg1/v1", 4096, data);
            array.createVolume("plain", GIB);
            ReplicationArray replication = array;
            replication.createProtectionGroup("cinder-group");
            pgBefore = replication.addProtectionGroupMembers("cinder-group", List.of("plain"));
            checksum = array.checksum("vg1/v1", 0, GIB);
            groupsBefore = array.listVolumeGroups();
        }
        assertThat(rewriteAsEarlierRelease(dir.resolve("pure-a"))).isEqualTo(2);

        try (SimulatedArrayHost host = newHost()) {
            SimulatedFlashArray array = host.open("pure-a", TOKEN);
            assertThat(array.listVolumeGroups()).isEqualTo(groupsBefore);
            assertThat(array.findProtectionGroup("cinder-group")).contains(pgBefore);
            assertThat(array.checksum("vg1/v1", 0, GIB)).isEqualTo(checksum);
            assertThat(array.read("vg1/v1", 4096, data.length)).isEqualTo(data);
        }
        try (SimStore store = new SimStore("pure-a", dir.resolve("pure-a"))) {
            assertThat(keysUnder(store, MetaKeysUpgrade.SHARED_GROUP_PREFIX)).isEmpty();
            assertThat(MetaKeysUpgrade.run(store, "pure-a")).isZero();
        }
    }

    /** Moves vg/ and pg/ records back to the shared g/ prefix: the earlier release's layout. */
    private static int rewriteAsEarlierRelease(Path arrayDir) throws Exception {
        try (SimStore store = new SimStore("pure-a", arrayDir); WriteBatch batch = new WriteBatch()) {
            int moved = 0;
            for (MetaKeys kind : List.of(MetaKeys.VOLUME_GROUP, MetaKeys.PROTECTION_GROUP)) {
                byte[] prefix = kind.prefix();
                for (byte[] key : keysUnder(store, prefix)) {
                    String name = new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
                    batch.put(store.meta(), SimStore.bytes("g/" + name), store.get(store.meta(), key));
                    batch.delete(store.meta(), key);
                    moved++;
                }
            }
            store.write(batch);
            return moved;
        }
    }

    private static List<byte[]> keysUnder(SimStore store, byte[] prefix) {
        List<byte[]> keys = new ArrayList<>();
        store.scan(prefix, (key, value) -> keys.add(key));
        return keys;
    }

    private SimulatedArrayHost newHost() {
        return new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-a", TOKEN)), Clock.systemUTC());
    }
}
