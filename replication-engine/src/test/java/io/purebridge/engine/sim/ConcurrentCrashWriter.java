package io.purebridge.engine.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child process for {@link SimulatedFlashArrayCrashTest}: {@link #WRITERS} threads write at once
 * (each releases the array's lock before its fsync, so their commits overlap) and each prints
 * "ACK w i" after its write i is acknowledged, until the parent kills it. Write i of writer w goes
 * to its own region, next to the other writers' (they share block-map pages), and every other
 * write repeats bytes another writer also writes (they share chunks).
 */
public final class ConcurrentCrashWriter {
    static final int WRITERS = 4;
    static final int REGION = 64 * 1024;
    static final int WRITES_EACH = 400;
    static final long VOLUME_SIZE = (long) WRITERS * WRITES_EACH * REGION;

    private ConcurrentCrashWriter() {
    }

    static long offset(int writer, int i) {
        return ((long) i * WRITERS + writer) * REGION;
    }

    static byte[] data(int writer, int i) {
        byte[] b = new byte[REGION];
        new Random(i % 2 == 0 ? i : 1_000_000L * (writer + 1) + i).nextBytes(b);
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("crash", "t"), dir,
                Clock.systemUTC());
        array.createVolume("data", VOLUME_SIZE);
        System.out.println("READY");
        System.out.flush();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                for (int i = 0; i < WRITES_EACH; i++) {
                    array.write("data", offset(writer, i), data(writer, i));
                    synchronized (System.out) {
                        System.out.println("ACK " + writer + " " + i);
                        System.out.flush();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
