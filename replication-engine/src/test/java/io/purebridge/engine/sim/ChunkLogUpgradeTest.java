package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * A data directory written by the release before the chunk log (chunks in RocksDB's {@code chunks}
 * column family; made by {@link LegacyStoreFixture}) opens with the chunk log and reads back the
 * same bytes and the same checksums that release printed, with its chunks moved into the log and
 * the column family gone, also when the move was interrupted part-way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkLogUpgradeTest {
    /** What the old release printed for the fixture (SHA-256 of each whole object). */
    private static final Map<String, String> CHECKSUMS = Map.of(
            "v1", "75b4f9acd2c035bed4cf032285184670269ace587e6a0f31161f72ce09a22b41",
            "v1.before", "3204afffd1cccc635088977c00f20eebf16a0d4d2300d0ea6b8ddc6f417eb88c",
            "v2", "1573c6d25c07cc34b545c28da728d5de2558a5e8074fa9e67e1ec24f5170f3f7");
    private static final List<String> FILES = List.of("000004.log", "CURRENT", "IDENTITY", "MANIFEST-000005",
            "OPTIONS-000007");

    @TempDir
    Path dir;

    @Test
    void aStoreOfTheEarlierReleaseReadsBackIdentically() throws Exception {
        Path store = fixture();
        assertThat(columnFamilies(store)).contains("chunks");
        verify(store);
        assertThat(columnFamilies(store)).doesNotContain("chunks");
        assertThat(Files.list(store.resolve("chunklog")).count()).isPositive();
        verify(store); // and again, now as a store of this release
    }

    @Test
    void anInterruptedUpgradeResumesOnTheNextOpen() throws Exception {
        Path store = fixture();
        try (SimStore partly = new SimStore(LegacyStoreFixture.ARRAY, store, SimStore.SEGMENT_BYTES, 5)) {
            assertThat(partly.migrating()).isTrue();
            assertThat(new ChunkStore(partly).count()).isEqualTo(5);
        }
        assertThat(columnFamilies(store)).contains("chunks");
        verify(store);
        assertThat(columnFamilies(store)).doesNotContain("chunks");
    }

    private void verify(Path store) {
        try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of(LegacyStoreFixture.ARRAY, "t"),
                store, Clock.systemUTC())) {
            CHECKSUMS.forEach((name, sum) ->
                    assertThat(array.checksum(name, 0, LegacyStoreFixture.SIZE)).as(name).isEqualTo(sum));
            byte[][] images = expectedImages();
            assertThat(array.read("v1.before", 0, (int) LegacyStoreFixture.SIZE)).isEqualTo(images[0]);
            assertThat(array.read("v1", 0, (int) LegacyStoreFixture.SIZE)).isEqualTo(images[1]);
            assertThat(array.read("v2", 0, (int) LegacyStoreFixture.SIZE)).isEqualTo(images[2]);
            assertThat(array.checkConsistency()).isEmpty();
        }
    }

    /** v1.before, v1, v2 as the fixture's writes left them. */
    private static byte[][] expectedImages() {
        byte[] v1 = new byte[(int) LegacyStoreFixture.SIZE];
        byte[] before = null;
        for (int n = 0; n < 12; n++) {
            if (n == 8) {
                before = v1.clone();
            }
            byte[] d = LegacyStoreFixture.data(n);
            System.arraycopy(d, 0, v1, (int) LegacyStoreFixture.offset(n), d.length);
        }
        byte[] v2 = v1.clone();
        byte[] d = LegacyStoreFixture.data(12);
        System.arraycopy(d, 0, v2, 0, d.length);
        return new byte[][] {before, v1, v2};
    }

    private Path fixture() throws IOException {
        Path store = dir.resolve("legacy");
        Files.createDirectories(store);
        for (String f : FILES) {
            try (InputStream in = getClass().getResourceAsStream("/legacy-chunks-store/" + f)) {
                Files.copy(in, store.resolve(f));
            }
        }
        return store;
    }

    private static List<String> columnFamilies(Path store) throws Exception {
        try (Options options = new Options()) {
            return RocksDB.listColumnFamilies(options, store.toString()).stream().map(String::new).toList();
        }
    }
}
