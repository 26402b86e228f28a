package io.purebridge.engine.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;

/**
 * Writes the data directory {@link ChunkLogUpgradeTest} upgrades. The fixture in
 * src/test/resources/legacy-chunks-store was made by this class running on the release before the
 * chunk log (commit f2cfd62, chunks in RocksDB's {@code chunks} column family):
 * {@code java -cp <that release's classes and dependencies> io.purebridge.engine.sim.LegacyStoreFixture DIR}.
 */
public final class LegacyStoreFixture {
    static final String ARRAY = "legacy";
    static final long SIZE = 4L << 20;

    private LegacyStoreFixture() {
    }

    /** Write n: compressible text-like bytes at {@link #offset(int)}, some blocks repeated (dedup). */
    static byte[] data(int n) {
        byte[] b = new byte[length(n)];
        Random random = new Random(n % 5);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + random.nextInt(n % 2 == 0 ? 4 : 26));
        }
        return b;
    }

    static long offset(int n) {
        return (n * 300_000L + n * 17L) % (SIZE - 200_000);
    }

    static int length(int n) {
        return 40_000 + (n * 7919) % 150_000;
    }

    /** Volumes and snapshots of the fixture: v1 written, snapshotted, overwritten; v2 a copy of v1. */
    public static void main(String[] args) {
        try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of(ARRAY, "t"),
                Path.of(args[0]), Clock.systemUTC())) {
            array.createVolume("v1", SIZE);
            for (int n = 0; n < 8; n++) {
                array.write("v1", offset(n), data(n));
            }
            array.createSnapshot("v1", "before");
            for (int n = 8; n < 12; n++) {
                array.write("v1", offset(n), data(n));
            }
            array.copyVolume("v1", "v2", false);
            array.write("v2", 0, data(12));
            System.out.println("v1 " + array.checksum("v1", 0, SIZE));
            System.out.println("v1.before " + array.checksum("v1.before", 0, SIZE));
            System.out.println("v2 " + array.checksum("v2", 0, SIZE));
        }
    }
}
