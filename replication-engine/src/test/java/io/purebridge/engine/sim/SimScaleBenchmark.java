package io.purebridge.engine.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;

/**
 * Not a test: creates 10,000 volumes and 50,000 snapshots (plus some data), reopens the array and
 * prints heap and resident memory after a full GC (which stands in for the service's periodic GC
 * when idle). Run with the service's heap options (DataBench does) and
 * {@code -cp <test classpath> io.purebridge.engine.sim.SimScaleBenchmark [dir] [--reopen-only]}; with {@code --reopen-only} it only opens the array an earlier run left in
 * {@code dir} (what a restarted service holds).
 */
public final class SimScaleBenchmark {
    private SimScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sim-scale");
        if (args.length > 1 && args[1].equals("--reopen-only")) {
            reopen(dir, "reopened in a new process");
            return;
        }
        // Each phase in its own method: a closed array still named by a local of this frame would
        // stay reachable and be counted in the reopen's figures.
        create(dir);
        writeBig(dir);
        reopen(dir, "reopened");
    }

    private static void create(Path dir) throws Exception {
        long start = System.nanoTime();
        try (SimulatedFlashArray a = new SimulatedFlashArray(SimulatedArrayConfig.of("scale", "t"), dir, Clock.systemUTC())) {
            byte[] block = new byte[64 * 1024];
            for (int v = 0; v < 10_000; v++) {
                String name = "volume-" + String.format("%08d", v) + "-0000-0000-0000-000000000000-cinder";
                a.createVolume(name, 1L << 30);
                block[0] = (byte) v;
                block[1] = (byte) (v >> 8);
                a.write(name, 0, block);
                for (int s = 0; s < 5; s++) {
                    a.createSnapshot(name, "snapshot-" + s);
                }
            }
            report("created", start);
        }
    }

    private static void writeBig(Path dir) throws Exception {
        try (SimulatedFlashArray a = new SimulatedFlashArray(SimulatedArrayConfig.of("scale", "t"), dir, Clock.systemUTC())) {
            a.createVolume("big", 4L << 30);
            byte[] chunk = new byte[4 << 20];
            Random random = new Random(1);
            long writeStart = System.nanoTime();
            for (long off = 0; off < (1L << 30); off += chunk.length) {
                random.nextBytes(chunk);
                a.write("big", off, chunk);
            }
            report("wrote 1 GiB of random data", writeStart);
            long snapStart = System.nanoTime();
            a.createSnapshot("big", "s1");
            a.copyVolume("big.s1", "big-clone", false);
            report("snapshot + clone of the 1 GiB volume", snapStart);
            long cowStart = System.nanoTime();
            a.write("big", 0, new byte[] {1});
            report("first write after the snapshot (copies one page)", cowStart);
        }
    }

    private static void reopen(Path dir, String what) throws Exception {
        long start = System.nanoTime();
        try (SimulatedFlashArray a = new SimulatedFlashArray(SimulatedArrayConfig.of("scale", "t"), dir, Clock.systemUTC())) {
            report(what + " (" + a.listVolumes().size() + " volumes, " + a.listSnapshots(null).size()
                    + " snapshots, physical " + a.space().totalPhysicalBytes() + " B)", start);
        }
    }

    /** Prints VmRSS and its parts: heap and native memory (RssAnon), mapped chunk-log pages (RssFile). */
    private static void report(String what, long startNanos) throws Exception {
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        System.gc();
        // G1 gives uncommitted heap back to the OS on a background thread, after the GC returns.
        Thread.sleep(1000);
        Runtime rt = Runtime.getRuntime();
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        System.out.printf("%s in %d ms: heap used %d MiB, %s (%s, %s), heap committed %d MiB%n", what,
                elapsedMs, (rt.totalMemory() - rt.freeMemory()) >> 20,
                field(status, "VmRSS"), field(status, "RssAnon"), field(status, "RssFile"), rt.totalMemory() >> 20);
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name + ":")).findFirst().orElse(name + ": ?")
                .replaceAll("\\s+", " ");
    }
}
