package io.purebridge.engine.offload;

import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedFlashArray;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The process {@link OffloadKillTest} kills: opens the array in {@code args[0]} and offloads its
 * snapshot {@code args[3]} to bucket {@code args[2]} at endpoint {@code args[1]}, one request at a
 * time, printing DONE if it ever finishes.
 */
public final class OffloadKillChild {
    private OffloadKillChild() {
    }

    static OffloadTarget target(URI endpoint, String bucket) {
        OffloadTuning small = OffloadTuning.defaults().withPack(6 << 20, 5 << 20).withTimes(60_000, 3_600_000);
        return new OffloadTarget("offload-s3", bucket, endpoint, "us-east-1", null, null, null,
                Placement.RETENTION_BASED, true, new OffloadTuning(small.packBytes(), small.partBytes(), 1,
                        small.iaThresholdDays(), small.leaseMillis(), small.graceMillis(), small.maxAttempts()));
    }

    public static void main(String[] args) {
        try (SimulatedFlashArray array = new SimulatedFlashArray(SimulatedArrayConfig.of("pure-primary", "t"),
                Path.of(args[0]), Clock.systemUTC());
             OffloadService service = OffloadService.connect(target(URI.create(args[1]), args[2]), Map.of(),
                     Clock.systemUTC())) {
            System.out.println("STARTED");
            service.offload(array, args[3], 0);
            System.out.println("DONE");
        }
    }
}
