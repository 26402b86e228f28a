package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VolumeDataTest {

    @Test
    void simulatedArrayGivesTheVolumesBytes(@TempDir Path dir) {
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-primary",
                CinderFixture.TOKEN)), Clock.systemUTC())) {
            ArrayBackendRegistry registry = new ArrayBackendRegistry(host);
            registry.register(CinderFixture.config(StorageProtocol.ISCSI, CinderFixture.baseOptions(), List.of()));
            CinderBackend backend = registry.backend("puredriver-1");
            CinderVolume volume = CinderFixture.volume(1);
            backend.createVolume(volume);

            VolumeData data = backend.volumeData(volume);
            data.access().write(data.arrayVolumeName(), 4096, new byte[] {1, 2, 3});

            assertThat(data.arrayVolumeName()).isEqualTo(CinderFixture.arrayName(volume));
            assertThat(data.sizeBytes()).isEqualTo(CinderFixture.GIB);
            assertThat(host.open("pure-primary", CinderFixture.TOKEN).read(data.arrayVolumeName(), 4095, 5))
                    .containsExactly(0, 1, 2, 3, 0);
        }
    }

    @Test
    void missingVolumeIsNotFound(@TempDir Path dir) {
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("pure-primary",
                CinderFixture.TOKEN)), Clock.systemUTC())) {
            ArrayBackendRegistry registry = new ArrayBackendRegistry(host);
            registry.register(CinderFixture.config(StorageProtocol.ISCSI, CinderFixture.baseOptions(), List.of()));
            CinderVolume volume = CinderFixture.volume(1);

            EngineException e = failure(() -> registry.backend("puredriver-1").volumeData(volume), ErrorCode.NOT_FOUND);

            assertThat(e.reason()).isEqualTo("VOLUME_NOT_FOUND");
        }
    }

    @Test
    void arrayWithoutDataAccessHasNoDataPath() {
        CinderFixture fixture = new CinderFixture();
        CinderBackend backend = fixture.backend();
        CinderVolume volume = CinderFixture.volume(1);
        backend.createVolume(volume);

        EngineException e = failure(() -> backend.volumeData(volume), ErrorCode.FAILED_PRECONDITION);

        assertThat(e.reason()).isEqualTo("NO_DATA_PATH");
        assertThat(e.getMessage()).contains("puredriver-1").doesNotContain(CinderFixture.TOKEN);
    }
}
