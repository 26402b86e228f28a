package io.purebridge.engine.sim;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.VolumeGroupsQosTagsContractTest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QoS, volume groups and tags against a fresh simulated array in a temp directory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatedVolumeGroupsQosTagsContractTest extends VolumeGroupsQosTagsContractTest {
    @TempDir
    Path dir;
    private SimulatedFlashArray sim;

    @Override
    protected FlashArray newArray() {
        sim = new SimulatedFlashArray(SimulatedArrayConfig.of("contract", "token"), dir.resolve("contract"),
                Clock.systemUTC());
        return sim;
    }

    @AfterEach
    void closeArray() {
        sim.close();
    }
}
