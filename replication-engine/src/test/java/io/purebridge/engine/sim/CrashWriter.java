package io.purebridge.engine.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;

/**
 * Child process for {@link SimulatedFlashArrayCrashTest}: writes forever and prints "ACK n" after
 * each acknowledged operation, until the parent kills it.
 */
public final class CrashWriter {
    static final long VOLUME_SIZE = 64L << 20;
    static final int REGION = 96 * 1024;

    private CrashWriter() {
    }

    /** Operation n writes {@link #length(int)} bytes of {@link #data(int)} at {@link #offset(int)}. */
    static long offset(int n) {
        return (long) n * REGION + (n * 517L) % 4096;
    }

    static int length(int n) {
        return 1 + (n * 7919) % (REGION - 4096);
    }

    static byte[] data(int n) {
        byte[] b = new byte[length(n)];
        new Random(n).nextBytes(b);
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("crash", "t"), dir, Clock.systemUTC());
        if (array.findVolume("data").isEmpty()) {
            array.createVolume("data", VOLUME_SIZE);
        }
        System.out.println("READY");
        System.out.flush();
        for (int n = 0; offset(n) + REGION <= VOLUME_SIZE; n++) {
            array.write("data", offset(n), data(n));
            if (n % 4 == 3) {
                array.createSnapshot("data", "s" + n);
            }
            System.out.println("ACK " + n);
            System.out.flush();
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
