package io.purebridge.bench;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

/**
 * What a restore into an empty array cannot avoid, in CPU time: fetching its packs, checking every
 * block (LZ4-decode, SHA-256 against the manifest's name), and storing the blocks in the array. On
 * a machine with few cores the sum, spread over every core, bounds the restore's throughput however
 * well its parts overlap; {@link OffloadBench} holds that bound against raw GET.
 */
final class RestoreCeiling {
    private static final int MIB = 1 << 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final byte[][] hashes;
    private final byte[][] stored;

    /** The bench's {@code mib} MiB of data as a restore receives it: each block's name and stored form. */
    RestoreCeiling(int mib) {
        int perMib = MIB / ChunkCodec.BLOCK_SIZE;
        hashes = new byte[mib * perMib][];
        stored = new byte[mib * perMib][];
        for (int m = 0; m < mib; m++) {
            byte[] data = DataBench.data(MIB, m);
            for (int b = 0; b < perMib; b++) {
                hashes[m * perMib + b] = ChunkCodec.hash(data, b * ChunkCodec.BLOCK_SIZE);
                stored[m * perMib + b] = ChunkCodec.encode(data, b * ChunkCodec.BLOCK_SIZE);
            }
        }
    }

    /** The CPU time of the whole process so far (every thread: an in-process S3 server's, RocksDB's). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU nanoseconds to check every block as a restore does, on one thread (a first pass compiles it). */
    long checkCpuNanos() {
        checkAll();
        long t = THREADS.getCurrentThreadCpuTime();
        DataBench.blackhole(checkAll());
        return THREADS.getCurrentThreadCpuTime() - t;
    }

    private long checkAll() {
        byte[] block = new byte[ChunkCodec.BLOCK_SIZE];
        long sink = 0;
        for (byte[] s : stored) {
            ChunkCodec.decode(s, block, 0);
            sink += ChunkCodec.hash(block, 0)[0];
        }
        return sink;
    }

    /**
     * Process CPU nanoseconds to store every block, in its stored form, into a new volume of a new
     * array under {@code dir}, in writes of {@code runBytes} as a restore makes them (each durable).
     * Nothing is fetched or checked; the array's background work (RocksDB, the log) counts.
     */
    long storeCpuNanos(Path dir, int runBytes) {
        int perRun = runBytes / ChunkCodec.BLOCK_SIZE;
        try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("store-only", "t"), dir,
                Clock.systemUTC())) {
            array.createVolume("restored", (long) stored.length * ChunkCodec.BLOCK_SIZE);
            long t = processCpuNanos();
            for (int first = 0; first < stored.length; first += perRun) {
                int to = Math.min(stored.length, first + perRun);
                array.writeEncoded("restored", (long) first * ChunkCodec.BLOCK_SIZE, Arrays.copyOfRange(hashes, first, to),
                        Arrays.copyOfRange(stored, first, to));
            }
            return processCpuNanos() - t;
        }
    }
}
