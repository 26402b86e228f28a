package io.purebridge.engine.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;

/** Simulated array hosts for driver-server tests that need a slow, visible resync. */
public final class SimulatedHosts {
    private SimulatedHosts() {
    }

    /** No background threads (tests tick by hand); a resync copies {@code resyncBlocksPerTick} blocks a tick. */
    public static SimulatedArrayHost withResyncBlocksPerTick(Path dir, Collection<SimulatedArrayConfig> configs,
            Clock clock, int resyncBlocksPerTick) {
        return new SimulatedArrayHost(dir, configs, clock, Duration.ZERO, resyncBlocksPerTick);
    }

    /** With the service's background heartbeat (once a second) and a slow resync. */
    public static SimulatedArrayHost withHeartbeat(Path dir, Collection<SimulatedArrayConfig> configs, Clock clock,
            int resyncBlocksPerTick) {
        return new SimulatedArrayHost(dir, configs, clock, Duration.ofMinutes(1), resyncBlocksPerTick);
    }

    public static int blockBytes() {
        return BlockStore.BLOCK_SIZE;
    }
}
