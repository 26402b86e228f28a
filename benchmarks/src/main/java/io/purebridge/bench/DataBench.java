package io.purebridge.bench;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import java.util.stream.Stream;

/**
 * Issue 3 benchmarks (not tests): what real data costs on a simulated array, next to a plain file
 * on the same disk, in one run.
 *
 * <ol>
 *   <li>Sequential write and read of one volume through {@code BlockDataAccess} in-process, 1 MiB
 *       calls, non-repeating but compressible data (each write is fsync'd before it returns), and
 *       the same bytes written to a plain file with an fsync after every 1 MiB (the same
 *       durability) and read back, the two taking turns every 8 MiB so both meet the same load,
 *       after an untimed warm-up of both. Next to them, the same bytes only hashed and compressed on
 *       every core: the fastest the sim could write if its I/O and metadata cost nothing.</li>
 *   <li>Snapshot time of a 1 GiB volume written in full and of a 10 GiB volume with 1 MiB of data
 *       in every N MiB (snapshots cost O(written blocks)).</li>
 *   <li>Resident memory (VmRSS after GC) of an array with 10,000 volumes and 50,000 snapshots, by
 *       running the sim's own {@code SimScaleBenchmark} in a child JVM with the service's heap
 *       options, and of the same array reopened by a new child (a restarted service).</li>
 * </ol>
 *
 * <p>{@code java -cp <classpath> io.purebridge.bench.DataBench [--dir DIR] [--mib 256]
 * [--sparse-every-mib 16] [--skip-snapshots] [--skip-scale]}
 */
public final class DataBench {
    private static final int MIB = 1 << 20;
    /** Reads of the warm-up volume: the read path has more code for the JIT to compile than the write. */
    private static final int READ_WARM_UP_PASSES = 4;
    private static final long GIB = 1L << 30;

    private final Path dir;
    private final List<String[]> rows = new ArrayList<>();

    private DataBench(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        // The arrays log every open and close at INFO; the table is what this run is for.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path dir = Path.of("var/bench-data");
        int mib = 256;
        int sparseEvery = 16;
        boolean snapshots = true;
        boolean scale = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--sparse-every-mib" -> sparseEvery = Integer.parseInt(args[++i]);
                case "--skip-snapshots" -> snapshots = false;
                case "--skip-scale" -> scale = false;
                default -> {
                    System.err.println("usage: DataBench [--dir DIR] [--mib N] [--sparse-every-mib N] [--skip-snapshots] [--skip-scale]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        Path run = Files.createTempDirectory(dir, "run-");
        DataBench bench = new DataBench(run);
        long start = System.nanoTime();
        try {
            bench.throughput(mib);
            bench.concurrentWriters();
            if (snapshots) {
                bench.snapshots(sparseEvery);
            }
            if (scale) {
                bench.scale();
            }
        } finally {
            deleteTree(run);
        }
        bench.print(System.nanoTime() - start);
    }

    // --- 1. throughput -------------------------------------------------------------------------

    private void throughput(int mib) throws IOException {
        byte[][] chunks = new byte[mib][];
        for (int i = 0; i < mib; i++) {
            chunks[i] = data(MIB, i);
        }
        long bytes = (long) mib * MIB;

        // The sim and the plain file take turns, 8 MiB each, so both see the same disk and CPU
        // (the machine is shared: a plain-file pass run before or after the sim's can differ 5x).
        int slice = 8;
        Path file = dir.resolve("plain.img");
        long fileWrite = 0;
        long fileRead = 0;
        long simWrite = 0;
        long simRead = 0;
        long physical;
        long sum = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
                SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("bench", "t"),
                        dir.resolve("sim-throughput"), Clock.systemUTC())) {
            array.createVolume("vol-throughput", bytes);
            warmUp(array, dir.resolve("warm.img"), chunks);
            // The warm-up volume stays (eradicating it would start log compaction mid-run).
            long physicalBefore = array.space().totalPhysicalBytes();
            for (int from = 0; from < mib; from += slice) {
                int to = Math.min(mib, from + slice);
                long t = System.nanoTime();
                for (int i = from; i < to; i++) {
                    ByteBuffer buffer = ByteBuffer.wrap(chunks[i]);
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                    ch.force(false);
                }
                fileWrite += System.nanoTime() - t;
                t = System.nanoTime();
                for (int i = from; i < to; i++) {
                    array.write("vol-throughput", (long) i * MIB, chunks[i]);
                }
                simWrite += System.nanoTime() - t;
            }
            // Both sides read into one buffer they keep, as a sequential reader does.
            ByteBuffer buffer = ByteBuffer.allocate(MIB);
            byte[] simBuffer = new byte[MIB];
            for (int from = 0; from < mib; from += slice) {
                int to = Math.min(mib, from + slice);
                long t = System.nanoTime();
                for (int i = from; i < to; i++) {
                    buffer.clear();
                    while (buffer.hasRemaining() && ch.read(buffer, (long) i * MIB + buffer.position()) > 0) {
                        // positional reads until the MiB is in
                    }
                    sum += buffer.get(0);
                }
                fileRead += System.nanoTime() - t;
                t = System.nanoTime();
                for (int i = from; i < to; i++) {
                    array.read("vol-throughput", (long) i * MIB, simBuffer, 0, MIB);
                    sum += simBuffer[0];
                }
                simRead += System.nanoTime() - t;
            }
            blackhole(sum);
            physical = array.space().totalPhysicalBytes() - physicalBefore;
        }
        long cpuOnly = hashAndCompress(chunks);
        long decodeOnly = checkAndDecode(chunks);
        double writeRatio = (double) fileWrite / simWrite;
        double readRatio = (double) fileRead / simRead;
        row("seq write " + mib + " MiB, 1 MiB calls", "sim volume", rate(bytes, simWrite), "fsync per call");
        row("", "plain file", rate(bytes, fileWrite), "fsync per 1 MiB");
        row("", "sim / file", String.format("%.2f", writeRatio), "ratio of throughputs, goal >= 0.8"
                + (writeRatio >= 0.8 ? " (met)" : " (MISSED)"));
        row("", "hash + compress only", rate(bytes, cpuOnly), String.format("SHA-256 and LZ4 of every block on %d"
                + " cores, no I/O: the sim's ceiling, %.2f of the file", Runtime.getRuntime().availableProcessors(),
                (double) fileWrite / cpuOnly));
        row("seq read " + mib + " MiB, 1 MiB calls", "sim volume", rate(bytes, simRead), "");
        row("", "plain file", rate(bytes, fileRead), "page cache likely warm");
        row("", "sim / file", String.format("%.2f", readRatio), "ratio of throughputs, goal >= 0.9"
                + (readRatio >= 0.9 ? " (met)" : " (MISSED)"));
        row("", "check + decode only", rate(bytes, decodeOnly), String.format("CRC32C and LZ4 of every stored"
                + " block on %d cores, no lookup or I/O: the sim's ceiling, %.2f of the file",
                Runtime.getRuntime().availableProcessors(), (double) fileRead / decodeOnly));
        row("space of that volume", "sim volume", String.format("%.1f MiB", physical / (double) MIB),
                String.format("data reduction %.2f", (double) bytes / Math.max(1, physical)));
    }

    /**
     * Nanoseconds to hash and compress every 32 KiB block of {@code chunks} as a write does, split
     * over every core, with nothing stored: what the sim's write costs before any I/O.
     */
    private static long hashAndCompress(byte[][] chunks) {
        int threads = Runtime.getRuntime().availableProcessors();
        int blocksPerChunk = MIB / ChunkCodec.BLOCK_SIZE;
        long[] sink = new long[threads];
        long t = System.nanoTime();
        IntStream.range(0, threads).parallel().forEach(worker -> {
            for (int i = worker; i < chunks.length * blocksPerChunk; i += threads) {
                byte[] chunk = chunks[i / blocksPerChunk];
                int from = (i % blocksPerChunk) * ChunkCodec.BLOCK_SIZE;
                sink[worker] += ChunkCodec.hash(chunk, from)[0] + ChunkCodec.encode(chunk, from).length;
            }
        });
        long nanos = System.nanoTime() - t;
        blackhole(Arrays.stream(sink).sum());
        return nanos;
    }

    /**
     * Nanoseconds to check and decode every 32 KiB block of {@code chunks} as a read does (CRC32C of
     * the stored bytes, then LZ4 into a block), split over every core. The blocks are encoded first,
     * untimed; nothing is looked up or read from disk: what the sim's read costs before any I/O.
     */
    private static long checkAndDecode(byte[][] chunks) {
        int blocksPerChunk = MIB / ChunkCodec.BLOCK_SIZE;
        byte[][] stored = new byte[chunks.length * blocksPerChunk][];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = ChunkCodec.encode(chunks[i / blocksPerChunk], (i % blocksPerChunk) * ChunkCodec.BLOCK_SIZE);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        long[] sink = new long[threads];
        long t = System.nanoTime();
        IntStream.range(0, threads).parallel().forEach(worker -> {
            byte[] block = new byte[ChunkCodec.BLOCK_SIZE];
            CRC32C crc = new CRC32C();
            for (int i = worker; i < stored.length; i += threads) {
                crc.reset();
                crc.update(stored[i]);
                ChunkCodec.decode(stored[i], block, 0);
                sink[worker] += crc.getValue() + block[0];
            }
        });
        long nanos = System.nanoTime() - t;
        blackhole(Arrays.stream(sink).sum());
        return nanos;
    }

    /**
     * Runs both paths untimed first on a separate volume and file (64 MiB each, written once and
     * read back {@link #READ_WARM_UP_PASSES} times), so the timed passes see compiled code on both
     * sides: the JVM interprets the sim's data path for its first few hundred calls, while the
     * plain file's path is the kernel's.
     */
    private static void warmUp(SimulatedFlashArray array, Path file, byte[][] chunks) throws IOException {
        int mib = Math.min(64, chunks.length);
        long sum = 0;
        array.createVolume("vol-warm-up", (long) mib * MIB);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            for (int i = 0; i < mib; i++) {
                // Different bytes from the timed pass: nothing there deduplicates against these.
                byte[] data = data(MIB, -1 - i);
                array.write("vol-warm-up", (long) i * MIB, data);
                ch.write(ByteBuffer.wrap(data), (long) i * MIB);
                ch.force(false);
            }
            ByteBuffer buffer = ByteBuffer.allocate(MIB);
            byte[] simBuffer = new byte[MIB];
            for (int i = 0; i < READ_WARM_UP_PASSES * mib; i++) {
                array.read("vol-warm-up", (long) (i % mib) * MIB, simBuffer, 0, MIB);
                sum += simBuffer[0];
                buffer.clear();
                ch.read(buffer, (long) (i % mib) * MIB);
                sum += buffer.get(0);
            }
        }
        Files.delete(file);
        blackhole(sum);
    }

    /**
     * Several writers at once, small calls: 4 threads, each writing 16 MiB in 128 KiB calls to its
     * own volume, next to 4 threads each writing its own plain file with an fsync per call. The
     * two take turns in halves, as above. Here writers share the sim's fsyncs (group commit).
     */
    private void concurrentWriters() throws IOException {
        int writers = 4;
        int call = 128 * 1024;
        long each = 16L * MIB;
        long simNanos = 0;
        long fileNanos = 0;
        try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("bench-concurrent", "t"),
                dir.resolve("sim-concurrent"), Clock.systemUTC())) {
            List<FileChannel> files = new ArrayList<>();
            try {
                for (int w = 0; w < writers; w++) {
                    array.createVolume("vol-writer-" + w, each);
                    files.add(FileChannel.open(dir.resolve("plain-writer-" + w + ".img"), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE));
                }
                for (int half = 0; half < 2; half++) {
                    long from = half * each / 2;
                    fileNanos += inParallel(writers, w -> {
                        for (long at = from; at < from + each / 2; at += call) {
                            ByteBuffer buffer = ByteBuffer.wrap(data(call, w * 1_000_003L + at));
                            while (buffer.hasRemaining()) {
                                files.get(w).write(buffer, at + buffer.position());
                            }
                            files.get(w).force(false);
                        }
                    });
                    simNanos += inParallel(writers, w -> {
                        for (long at = from; at < from + each / 2; at += call) {
                            array.write("vol-writer-" + w, at, data(call, w * 1_000_003L + at));
                        }
                    });
                }
            } finally {
                for (FileChannel f : files) {
                    f.close();
                }
            }
        }
        long bytes = writers * each;
        double ratio = (double) fileNanos / simNanos;
        String what = writers + " writers, 128 KiB calls";
        row(what, "sim volumes", rate(bytes, simNanos), "fsync per call, shared by writers waiting together");
        row("", "plain files", rate(bytes, fileNanos), "one file per writer, fsync per call");
        row("", "sim / files", String.format("%.2f", ratio), "ratio of throughputs");
    }

    private interface Writer {
        void run(int writer) throws IOException;
    }

    /** Runs {@code writer} on {@code writers} threads at once; returns the wall time in nanoseconds. */
    private static long inParallel(int writers, Writer writer) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> running = new ArrayList<>();
            long t = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                int id = w;
                running.add(pool.submit(() -> {
                    writer.run(id);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            return System.nanoTime() - t;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- 2. snapshots --------------------------------------------------------------------------

    private void snapshots(int sparseEvery) {
        try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("bench", "t"),
                dir.resolve("sim-snapshots"), Clock.systemUTC())) {
            snapshot(array, "vol-1g", GIB, 1);
            snapshot(array, "vol-10g", 10 * GIB, sparseEvery);
        }
    }

    private void snapshot(SimulatedFlashArray array, String volume, long size, int every) {
        array.createVolume(volume, size);
        long t = System.nanoTime();
        long written = 0;
        // Seeds differ per volume and per MiB: nothing deduplicates against earlier writes.
        long seed = (long) volume.hashCode() << 32;
        for (long at = 0; at < size; at += (long) every * MIB) {
            array.write(volume, at, data(MIB, seed + at / MIB));
            written += MIB;
        }
        long writeNanos = System.nanoTime() - t;
        t = System.nanoTime();
        array.createSnapshot(volume, "bench");
        long snapNanos = System.nanoTime() - t;
        String what = every == 1 ? "fully written" : "1 MiB in every " + every + " MiB";
        row("snapshot " + size / GIB + " GiB volume", what, ms(snapNanos),
                String.format("%d MiB mapped, written at %s", written / MIB, rate(written, writeNanos)));
    }

    // --- 3. resident memory at scale -----------------------------------------------------------

    /**
     * The heap options the service is started with (bin/purebridge-run, devstack/settings): a small
     * initial heap, because the JVM's default (1/64 of the machine's memory, 384 MiB here) stays
     * resident once touched; the 512 MiB budget as the maximum; and free heap given back when idle.
     */
    private static final List<String> SERVICE_HEAP = List.of("-Xms64m", "-Xmx512m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:G1PeriodicGCInterval=30000");

    private void scale() throws IOException, InterruptedException {
        Path data = dir.resolve("sim-scale");
        List<String> made = child(data.toString());
        // What a restarted service holds: the same array opened by a process that made nothing.
        List<String> reopened = made == null ? null : child(data.toString(), "--reopen-only");
        Pattern p = Pattern.compile("^(reopened in a new process|created|reopened).* in (\\d+) ms: heap used"
                + " (\\d+) MiB, VmRSS: (\\d+) kB");
        for (List<String> lines : Arrays.asList(made, reopened)) {
            if (lines == null) {
                return;
            }
            for (String line : lines) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    long rssMib = Long.parseLong(m.group(4)) / 1024;
                    String subject = switch (m.group(1)) {
                        case "created" -> "after creating";
                        case "reopened" -> "after reopen (same JVM)";
                        default -> "after reopen (new JVM)";
                    };
                    row("RSS 10k volumes / 50k snapshots", subject, rssMib + " MiB", "heap " + m.group(3) + " MiB, "
                            + m.group(2) + " ms, the service's heap options, goal < 512 MiB"
                            + (rssMib < 512 ? " (met)" : " (MISSED)"));
                }
            }
        }
    }

    /** Runs SimScaleBenchmark in a child JVM with the service's heap options; null (and a row) on failure. */
    private List<String> child(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(SERVICE_HEAP);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.purebridge.engine.sim.SimScaleBenchmark"));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
            row("RSS 10k volumes / 50k snapshots", "FAILED", "", String.join(" | ", lines));
            return null;
        }
        return lines;
    }

    // --- helpers -------------------------------------------------------------------------------

    /** Non-repeating but compressible: 8 random bytes then 8 zeros (the sim stores it at 1.56:1 with LZ4). */
    static byte[] data(int length, long seed) {
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + 7);
        byte[] data = new byte[length];
        for (int i = 0; i + 8 <= length; i += 16) {
            long word = random.nextLong();
            for (int j = 0; j < 8; j++) {
                data[i + j] = (byte) (word >>> (8 * j));
            }
        }
        return data;
    }

    private void row(String what, String subject, String value, String note) {
        rows.add(new String[] {what, subject, value, note});
    }

    private void print(long totalNanos) {
        String format = "%-36s %-24s %14s  %s%n";
        System.out.printf(format, "BENCHMARK", "SUBJECT", "RESULT", "NOTE");
        for (String[] r : rows) {
            System.out.printf(format, (Object[]) r);
        }
        System.out.printf("total %.0f s, %d cores, data dir %s%n", totalNanos / 1e9,
                Runtime.getRuntime().availableProcessors(), dir.getParent().toAbsolutePath());
    }

    private static String rate(long bytes, long nanos) {
        return String.format("%.1f MiB/s", bytes / (double) MIB / (nanos / 1e9));
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    private static volatile long sink;

    static void blackhole(long value) {
        sink += value;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
