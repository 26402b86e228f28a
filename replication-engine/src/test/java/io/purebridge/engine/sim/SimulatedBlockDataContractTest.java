package io.purebridge.engine.sim;

import io.purebridge.engine.array.BlockDataContractTest;
import io.purebridge.engine.array.FlashArray;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The data contract against a fresh simulated array. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedBlockDataContractTest extends BlockDataContractTest {
    @TempDir
    Path dir;
    private SimulatedFlashArray sim;

    @Override
    protected FlashArray newArray() {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of("data", "token"), dir.resolve("data"),
                Clock.systemUTC());
        return sim;
    }

    @AfterEach
    void closeArray() {
        sim.close();
    }
}
