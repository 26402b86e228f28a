package io.purebridge.server.rest;

import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.VolumeGroupsQosTagsContractTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volume QoS, groups and tags through the whole REST path: RestFlashArray -> HTTPS (certificate
 * verified against the front end's CA bundle) -> RestFrontEnd -> SimulatedFlashArray.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestVolumeGroupsQosTagsContractTest extends VolumeGroupsQosTagsContractTest {
    @TempDir
    Path dir;
    private RestContractArray rest;

    @Override
    protected FlashArray newArray() {
        rest = new RestContractArray(dir);
        return rest.client();
    }

    @AfterEach
    void closeArray() {
        rest.close();
    }
}
