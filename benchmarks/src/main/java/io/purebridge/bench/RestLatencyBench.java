package io.purebridge.bench;

import io.purebridge.engine.array.ArrayEndpoint;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.rest.RestArrayConnector;
import io.purebridge.engine.rest.RestFlashArray;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.rest.RestFrontEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Per-operation latency of one simulated array called in-process next to the same array reached
 * through RestFlashArray -> HTTPS (certificate verified) -> RestFrontEnd. Not a test:
 * {@code bench/java-bench.sh} (make bench) runs it; arguments: [iterations (500)] [warm-up (100)].
 *
 * <p>Each iteration creates a volume, snapshots it, connects it to a host, disconnects it and deletes
 * it (destroy + eradicate) on both paths, in alternating order, so both see the same store and the
 * same machine noise.
 */
public final class RestLatencyBench {
    private static final long GIB = 1L << 30;
    private static final List<String> OPS = List.of("create volume", "snapshot", "connect", "disconnect",
            "delete (destroy+eradicate)");
    private static final String TOKEN = "bench-api-token";

    private RestLatencyBench() {
    }

    public static void main(String[] args) throws IOException {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path dir = Files.createTempDirectory("pb-rest-bench");
        try (SimulatedFlashArray local = new SimulatedFlashArray(SimulatedArrayConfig.of("bench-rest", TOKEN),
                dir.resolve("array"), Clock.systemUTC());
                RestFrontEnd frontEnd = new RestFrontEnd()) {
            frontEnd.startWith(dir, Map.of("bench-rest", local), Map.of("bench-rest", TOKEN));
            try (RestFlashArray remote = new RestArrayConnector().connect(new ArrayEndpoint(
                    frontEnd.sanIp("bench-rest"), TOKEN, true, frontEnd.certificatePem().toString()))) {
                Map<String, long[][]> samples = new LinkedHashMap<>();
                samples.put("in-process", new long[OPS.size()][iterations]);
                samples.put("rest", new long[OPS.size()][iterations]);
                local.createHost("bench-host", List.of("iqn.2024-01.io.purebridge:bench"), List.of(), List.of());
                for (int i = 0; i < warmup + iterations; i++) {
                    int slot = i - warmup;
                    // Alternating order: neither path always follows the other's delete.
                    if (i % 2 == 0) {
                        cycle(local, "l" + i, slot < 0 ? null : samples.get("in-process"), slot);
                        cycle(remote, "r" + i, slot < 0 ? null : samples.get("rest"), slot);
                    } else {
                        cycle(remote, "r" + i, slot < 0 ? null : samples.get("rest"), slot);
                        cycle(local, "l" + i, slot < 0 ? null : samples.get("in-process"), slot);
                    }
                }
                report(iterations, warmup, samples);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void cycle(FlashArray array, String name, long[][] out, int slot) {
        long[] t = new long[OPS.size() + 1];
        t[0] = System.nanoTime();
        array.createVolume(name, GIB);
        t[1] = System.nanoTime();
        array.createSnapshot(name, "s1");
        t[2] = System.nanoTime();
        array.connect("bench-host", name);
        t[3] = System.nanoTime();
        array.disconnect("bench-host", name);
        t[4] = System.nanoTime();
        array.destroyVolume(name);
        array.eradicateVolume(name);
        t[5] = System.nanoTime();
        if (out != null) {
            for (int op = 0; op < OPS.size(); op++) {
                out[op][slot] = t[op + 1] - t[op];
            }
        }
    }

    private static void report(int iterations, int warmup, Map<String, long[][]> samples) {
        System.out.printf(Locale.ROOT, "REST front end latency: %d iterations after %d warm-up, microseconds%n",
                iterations, warmup);
        System.out.printf(Locale.ROOT, "%-28s %10s %10s %10s %10s %9s %9s%n", "operation", "local p50", "local p99",
                "rest p50", "rest p99", "p50 x", "p99 x");
        List<String> lines = new ArrayList<>();
        for (int op = 0; op < OPS.size(); op++) {
            long[] local = samples.get("in-process")[op].clone();
            long[] rest = samples.get("rest")[op].clone();
            Arrays.sort(local);
            Arrays.sort(rest);
            double l50 = pct(local, 50);
            double l99 = pct(local, 99);
            double r50 = pct(rest, 50);
            double r99 = pct(rest, 99);
            lines.add(String.format(Locale.ROOT, "%-28s %10.0f %10.0f %10.0f %10.0f %9.1f %9.1f", OPS.get(op),
                    l50, l99, r50, r99, r50 / l50, r99 / l99));
        }
        lines.forEach(System.out::println);
    }

    /** Nearest-rank percentile in microseconds. */
    private static double pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1000.0;
    }
}
