package io.purebridge.engine.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;

/**
 * Child process for {@link ChunkLogCrashTest}: overwrites a few regions of one volume again and
 * again with fresh data (so chunks are freed, segments roll and compaction runs while it writes),
 * printing "ACK n" after each acknowledged write, until the parent kills it.
 */
public final class OverwriteCrashWriter {
    static final int REGIONS = 8;
    static final int REGION = 256 * 1024;

    private OverwriteCrashWriter() {
    }

    static int region(int n) {
        return n % REGIONS;
    }

    /** Write n's data: random, so nothing deduplicates and every overwrite frees its old chunks. */
    static byte[] data(int n) {
        byte[] b = new byte[REGION];
        new Random(1000L + n).nextBytes(b);
        return b;
    }

    public static void main(String[] args) throws Exception {
        SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("crash", "t"), Path.of(args[0]),
                Clock.systemUTC());
        if (array.findVolume("data").isEmpty()) {
            array.createVolume("data", (long) REGIONS * REGION);
        }
        System.out.println("READY");
        System.out.flush();
        for (int n = 0; n < 100_000; n++) {
            array.write("data", (long) region(n) * REGION, data(n));
            System.out.println("ACK " + n);
            System.out.flush();
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
