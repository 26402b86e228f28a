package io.purebridge.engine.replication;

import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.ReplicationArray;
import io.purebridge.engine.sim.ReplicationControls;
import java.time.Duration;
import java.util.List;

/**
 * What {@link ReplicationScenarios} needs from a wiring: three arrays ({@code pure-a},
 * {@code pure-b}, {@code pure-c}) that replicate, the operator controls, a clock the test moves and
 * a restart. The in-process binding gives the engine objects; a gRPC binding gives client proxies.
 */
public interface ReplicationWorld extends AutoCloseable {

    /** One array as the scenarios use it. */
    record ArrayUnderTest(String name, FlashArray spi, BlockDataAccess data, ReplicationArray replication) {
    }

    ArrayUnderTest array(String name);

    ReplicationControls controls();

    void advanceClock(Duration d);

    long nowMillis();

    /**
     * The arrays' own fsck: block references and space recounted from the block maps.
     *
     * @return the problems found; empty when every array is consistent
     */
    List<String> consistencyProblems();

    /** Stops the service (as a crash would, without any shutdown work) and starts it again. */
    void restart();

    @Override
    void close();
}
