package io.purebridge.engine.sim;

import io.purebridge.engine.array.PgTransferRecord;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Not a test: the replication numbers issue 4 asks for. Run with
 * {@code java -cp <test classpath> io.purebridge.engine.sim.ReplicationBenchmark [dir]}.
 * <ol>
 *   <li>stretched-pod write latency / unreplicated write latency (goal <= 1.5);</li>
 *   <li>async wire bytes per interval / bytes changed in it (goal <= 1.1);</li>
 *   <li>replication lag under a steady write load (1 s schedule, heartbeat every 100 ms).</li>
 * </ol>
 */
public final class ReplicationBenchmark {
    private static final int BLOCK = BlockStore.BLOCK_SIZE;

    private ReplicationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("repl-bench");
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("a", "ta"),
                SimulatedArrayConfig.of("b", "tb"), SimulatedArrayConfig.of("c", "tc")), Clock.systemUTC())) {
            SimulatedFlashArray a = host.open("a", "ta");
            latency(host, a);
            asyncBytes(host, a);
            lag(host, a);
        }
    }

    private static void latency(SimulatedArrayHost host, SimulatedFlashArray a) {
        a.createPod("p");
        a.stretchPod("p", "b");
        a.createVolume("plain", 1L << 30);
        a.createVolume("p::stretched", 1L << 30);
        Random random = new Random(1);
        byte[] data = new byte[BLOCK];
        int n = 400;
        long[] plain = new long[n];
        long[] pod = new long[n];
        for (int round = 0; round < 2; round++) { // first round warms up
            for (int i = 0; i < n; i++) {
                random.nextBytes(data);
                long off = (long) random.nextInt(32768) * BLOCK;
                long t0 = System.nanoTime();
                a.write("plain", off, data);
                long t1 = System.nanoTime();
                a.write("p::stretched", off, data);
                long t2 = System.nanoTime();
                plain[i] = t1 - t0;
                pod[i] = t2 - t1;
            }
        }
        Arrays.sort(plain);
        Arrays.sort(pod);
        System.out.printf("1. 32 KiB write latency: unreplicated p50 %.3f ms p99 %.3f ms; stretched pod p50 %.3f ms"
                + " p99 %.3f ms; ratio p50 %.2f (goal <= 1.5)%n", plain[n / 2] / 1e6, plain[n * 99 / 100] / 1e6,
                pod[n / 2] / 1e6, pod[n * 99 / 100] / 1e6, (double) pod[n / 2] / plain[n / 2]);
    }

    private static void asyncBytes(SimulatedArrayHost host, SimulatedFlashArray a) {
        SimulatedFlashArray c = host.open("c", "tc");
        long size = 1L << 30;
        a.createVolume("async", size);
        a.createProtectionGroup("pg");
        a.setRetention("pg", new RetentionPolicy(86_400, 4, 7), new RetentionPolicy(86_400, 4, 7));
        a.addProtectionGroupTargets("pg", List.of("c"));
        c.allowProtectionGroup("a:pg", true);
        a.addProtectionGroupMembers("pg", List.of("async"));
        Random random = new Random(2);
        byte[] data = new byte[BLOCK];
        for (int interval = 0; interval < 5; interval++) {
            BitSet changed = new BitSet();
            int writes = interval == 0 ? 2000 : 300;
            for (int i = 0; i < writes; i++) {
                int block = random.nextInt((int) (size / BLOCK));
                random.nextBytes(data);
                a.write("async", (long) block * BLOCK, data);
                changed.set(block);
            }
            a.createProtectionGroupSnapshot("pg", true, true);
            PgTransferRecord t = a.listProtectionGroupTransfers("pg").get(0);
            long changedBytes = (long) changed.cardinality() * BLOCK;
            System.out.printf("2. interval %d: changed %d B, sent %d B on the wire (%d B logical): ratio %.3f"
                    + " (goal <= 1.1)%n", interval, changedBytes, t.physicalBytesWritten(), t.dataTransferred(),
                    (double) t.physicalBytesWritten() / changedBytes);
        }
    }

    private static void lag(SimulatedArrayHost host, SimulatedFlashArray a) throws Exception {
        SimulatedFlashArray c = host.open("c", "tc");
        a.createVolume("steady", 1L << 30);
        a.createProtectionGroup("lagpg");
        a.addProtectionGroupTargets("lagpg", List.of("c"));
        c.allowProtectionGroup("a:lagpg", true);
        a.addProtectionGroupMembers("lagpg", List.of("steady"));
        a.setReplicationSchedule("lagpg", ReplicationSchedule.every(1000, true));
        AtomicBoolean stop = new AtomicBoolean();
        long[] written = {0};
        Thread writer = new Thread(() -> {
            Random random = new Random(3);
            byte[] data = new byte[BLOCK];
            while (!stop.get()) {
                random.nextBytes(data);
                a.write("steady", (long) random.nextInt(32768) * BLOCK, data);
                written[0] += BLOCK;
            }
        });
        writer.start();
        long maxLag = 0;
        long sumLag = 0;
        int samples = 0;
        long end = System.currentTimeMillis() + 8000;
        while (System.currentTimeMillis() < end) {
            host.replication().tick();
            long lag = host.replication().pgStatus("a", "lagpg").target("c").lagMillis();
            if (lag >= 0) {
                maxLag = Math.max(maxLag, lag);
                sumLag += lag;
                samples++;
            }
            Thread.sleep(100);
        }
        stop.set(true);
        writer.join();
        System.out.printf("3. steady load %.1f MiB/s for 8 s, schedule every 1 s: lag avg %d ms, max %d ms%n",
                written[0] / 8.0 / (1 << 20), samples == 0 ? -1 : sumLag / samples, maxLag);
    }
}
