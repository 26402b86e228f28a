package io.purebridge.bench;

import io.purebridge.engine.offload.OffloadProgress;
import io.purebridge.engine.offload.OffloadService;
import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTuning;
import io.purebridge.engine.offload.S3ProxyServer;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 15 benchmark (not a test): snapshot offload and restore next to raw S3 PUT and GET of the
 * same server in the same run, and what an incremental offload sends next to what changed.
 *
 * <p>The server is S3Proxy in-process on a filesystem store (the service's embedded default), signed
 * requests. Raw PUT/GET move the snapshot's logical bytes as objects of the offload's pack size with
 * the offload's concurrency, so both sides use the same request shape. Restore is measured twice:
 * into an empty array (every block crosses the network, the figure held against raw GET) and into
 * the array the snapshot came from, which fetches only the blocks it no longer holds, as a
 * FlashArray restoring from its offload target does. Offload and raw take turns
 * each round, each into a fresh bucket (an offload into a bucket already holding the chunks would
 * send nothing); medians of the rounds are printed. Throughput is logical bytes per second on both
 * sides: offload sends fewer bytes (its chunks are compressed), which is part of what it is for.
 * Two CPU bounds follow the restore ({@link RestoreCeiling}): the CPU time a restore cannot avoid,
 * spread over every core, as a throughput next to raw GET.
 *
 * <p>{@code java -cp <classpath> io.purebridge.bench.OffloadBench [--dir DIR] [--mib 256] [--rounds 3]}
 */
public final class OffloadBench {
    private static final int MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path dir = Path.of("var/bench-data");
        int mib = 256;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: OffloadBench [--dir DIR] [--mib N] [--rounds N]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        Path run = Files.createTempDirectory(dir, "offload-");
        try {
            run(run, mib, rounds);
        } finally {
            DataBench.deleteTree(run);
        }
    }

    private static void run(Path run, int mib, int rounds) throws Exception {
        long bytes = (long) mib * MIB;
        try (S3ProxyServer s3 = S3ProxyServer.filesystemStore(run.resolve("s3"), true);
             S3Client raw = s3.client();
             SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("bench", "t"),
                     run.resolve("sim"), Clock.systemUTC())) {
            array.createVolume("vol", bytes);
            for (int i = 0; i < mib; i++) {
                array.write("vol", (long) i * MIB, DataBench.data(MIB, i));
            }
            String snapshot = array.createSnapshot("vol", "s1").name();
            String sourceSum = array.checksum(snapshot, 0, bytes);
            int pack = OffloadTuning.defaults().packBytes();
            int concurrency = OffloadTuning.defaults().concurrency();
            double[] offload = new double[rounds];
            double[] restore = new double[rounds];
            double[] restoreHome = new double[rounds];
            double[] floor = new double[rounds];
            long fetched = 0;
            long fetchedHome = 0;
            double[] put = new double[rounds];
            double[] get = new double[rounds];
            double[] getCpu = new double[rounds];
            long sent = 0;
            String incremental = "";
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                for (int r = 0; r < rounds; r++) {
                    String rawBucket = "raw-" + r;
                    s3.createBucket(rawBucket);
                    put[r] = rate(bytes, timed(() -> rawPut(raw, pool, rawBucket, mib, pack)));
                    // The service's defaults, not the small packs the engine's tests use.
                    OffloadTarget target = s3.target("offload-" + r).withTuning(OffloadTuning.defaults());
                    s3.createBucket(target.bucket());
                    try (OffloadService service = OffloadService.connect(target, s3.env(), Clock.systemUTC())) {
                        offload[r] = rate(bytes, timed(() -> service.offload(array, snapshot, 0)));
                        sent = last(service).sentBytes();
                        String restored = "restored-" + r;
                        restoreHome[r] = rate(bytes, timed(() -> service.restore("bench:" + snapshot, array,
                                restored)));
                        fetchedHome = last(service).sentBytes();
                        requireSame(sourceSum, array.checksum(restored, 0, bytes));
                        try (SimulatedFlashArray empty = new SimulatedFlashArray(SimulatedArrayConfig.of(
                                "empty-" + r, "t"), run.resolve("empty-" + r), Clock.systemUTC())) {
                            restore[r] = rate(bytes, timed(() -> service.restore("bench:" + snapshot, empty,
                                    restored)));
                            fetched = last(service).sentBytes();
                            requireSame(sourceSum, empty.checksum(restored, 0, bytes));
                        }
                        long stored = fetched;
                        Path floorFile = run.resolve("floor-" + r);
                        floor[r] = rate(bytes, timed(() -> plainFileWrite(floorFile, stored, pack)));
                        if (r == rounds - 1) {
                            incremental = incremental(array, service, raw, mib);
                        }
                    }
                    long cpuBefore = RestoreCeiling.processCpuNanos();
                    long getNanos = timed(() -> rawGet(raw, pool, rawBucket, mib, pack));
                    getCpu[r] = RestoreCeiling.processCpuNanos() - cpuBefore;
                    get[r] = rate(bytes, getNanos);
                }
            } finally {
                pool.shutdownNow();
            }
            String format = "%-44s %14s  %s%n";
            System.out.printf(format, "OFFLOAD BENCHMARK (" + mib + " MiB snapshot, " + rounds + " rounds)",
                    "RESULT", "NOTE");
            System.out.printf(format, "raw S3 PUT, " + pack / MIB + " MiB objects x" + concurrency, mbs(median(put)),
                    "S3Proxy filesystem store, signed");
            System.out.printf(format, "offload", mbs(median(offload)), String.format(
                    "logical MiB/s; %.1f MiB sent (compressed chunks + manifest)", sent / (double) MIB));
            System.out.printf(format, "offload / raw PUT", String.format("%.2f", median(offload) / median(put)),
                    "goal >= 0.8");
            System.out.printf(format, "raw S3 GET", mbs(median(get)), "");
            System.out.printf(format, "restore into an empty array", mbs(median(restore)), String.format(
                    "every block fetched (%.1f MiB), checked, written", fetched / (double) MIB));
            System.out.printf(format, "restore / raw GET", String.format("%.2f", median(restore) / median(get)),
                    "goal >= 0.8");
            System.out.printf(format, "  disk floor: as many bytes to a plain file", mbs(median(floor)), String.format(
                    "the restore's stored bytes in %d MiB writes, fsync each; logical MiB/s", pack / MIB));
            System.out.printf(format, "  restore / disk floor", String.format("%.2f", median(restore) / median(floor)),
                    "");
            RestoreCeiling ceiling = new RestoreCeiling(mib);
            long checkCpu = ceiling.checkCpuNanos();
            double[] storeCpus = new double[3];
            for (int i = 0; i < storeCpus.length; i++) {
                storeCpus[i] = ceiling.storeCpuNanos(run.resolve("store-only-" + i), pack);
            }
            double storeCpu = median(storeCpus);
            int cores = Runtime.getRuntime().availableProcessors();
            // A restore fetches the packs (fewer bytes than raw GET: they are compressed), so it pays
            // the GET's CPU in that proportion; it checks and stores every block; all on these cores.
            double fetchCpu = median(getCpu) / bytes * fetched;
            double fetchAndCheck = rate(bytes, (long) ((fetchCpu + checkCpu) / cores));
            double all = rate(bytes, (long) ((fetchCpu + checkCpu + storeCpu) / cores));
            System.out.printf(format, "  CPU bound: fetch + check", mbs(fetchAndCheck), String.format(
                    "the GET's CPU for %.1f MiB + LZ4 and SHA-256 of every block, over %d cores; %.2f of raw GET",
                    fetched / (double) MIB, cores, fetchAndCheck / median(get)));
            System.out.printf(format, "  CPU bound: fetch + check + store", mbs(all), String.format(
                    "+ %.2f s to store the blocks in an empty array (%d MiB writes); %.2f of raw GET",
                    storeCpu / 1e9, pack / MIB, all / median(get)));
            System.out.printf(format, "restore into the source array", mbs(median(restoreHome)), String.format(
                    "blocks it holds are not fetched (%.1f MiB fetched)", fetchedHome / (double) MIB));
            System.out.printf(format, "  / raw GET", String.format("%.2f", median(restoreHome) / median(get)), "");
            System.out.print(incremental);
        }
    }

    /** Writes {@code total} bytes to a new file in {@code chunk}-sized writes, each made durable. */
    private static void plainFileWrite(Path file, long total, int chunk) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
            for (long done = 0; done < total; done += chunk) {
                buf.clear().limit((int) Math.min(chunk, total - done));
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                out.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireSame(String expected, String restored) {
        if (!expected.equals(restored)) {
            throw new IllegalStateException("restored volume differs from the snapshot");
        }
    }

    /** Changes 1 MiB in every 32 MiB, snapshots and offloads into the bucket holding the first snapshot. */
    private static String incremental(SimulatedFlashArray array, OffloadService service, S3Client raw, int mib) {
        long changed = 0;
        for (int at = 0; at < mib; at += 32) {
            array.write("vol", (long) at * MIB, DataBench.data(MIB, 1_000_000L + at));
            changed += MIB;
        }
        String second = array.createSnapshot("vol", "s2").name();
        long before = bucketBytes(raw, service.target().bucket());
        service.offload(array, second, 0);
        long grown = bucketBytes(raw, service.target().bucket()) - before;
        long sent = last(service).sentBytes();
        String format = "%-44s %14s  %s%n";
        return String.format(format, "incremental offload: bytes changed",
                String.format("%.1f MiB", changed / (double) MIB), "1 MiB in every 32 MiB, after a full offload")
                + String.format(format, "  bucket growth / bytes changed",
                String.format("%.3f", grown / (double) changed),
                String.format("goal <= 1.1; %.1f MiB of chunk data sent", sent / (double) MIB));
    }

    private static long bucketBytes(S3Client raw, String bucket) {
        return raw.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().mapToLong(S3Object::size).sum();
    }

    private static OffloadProgress last(OffloadService service) {
        List<OffloadProgress> jobs = service.jobs();
        return jobs.get(jobs.size() - 1);
    }

    private static void rawPut(S3Client raw, ExecutorService pool, String bucket, int mib, int pack) {
        int perObject = pack / MIB;
        List<Future<?>> puts = new ArrayList<>();
        for (int first = 0; first < mib; first += perObject) {
            int start = first;
            puts.add(pool.submit(() -> {
                byte[] body = new byte[Math.min(perObject, mib - start) * MIB];
                for (int i = 0; i < body.length / MIB; i++) {
                    System.arraycopy(DataBench.data(MIB, start + i), 0, body, i * MIB, MIB);
                }
                raw.putObject(b -> b.bucket(bucket).key("o-" + start), RequestBody.fromBytes(body));
            }));
        }
        await(puts);
    }

    private static void rawGet(S3Client raw, ExecutorService pool, String bucket, int mib, int pack) {
        List<Future<?>> gets = new ArrayList<>();
        for (int first = 0; first < mib; first += pack / MIB) {
            String key = "o-" + first;
            // Read into an array of the declared length, as the offload's own client does (the SDK's
            // toBytes grows a buffer and copies), so that both sides pay the same for a body.
            gets.add(pool.submit(() -> raw.getObject(b -> b.bucket(bucket).key(key), (response, in) -> {
                byte[] body = new byte[response.contentLength().intValue()];
                return in.readNBytes(body, 0, body.length);
            })));
        }
        await(gets);
    }

    private static void await(List<Future<?>> futures) {
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("raw S3 request failed", e);
        }
    }

    private static long timed(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return System.nanoTime() - t;
    }

    private static double rate(long bytes, long nanos) {
        return bytes / (double) MIB / (nanos / 1e9);
    }

    private static String mbs(double v) {
        return String.format("%.1f MiB/s", v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private OffloadBench() {
    }
}
