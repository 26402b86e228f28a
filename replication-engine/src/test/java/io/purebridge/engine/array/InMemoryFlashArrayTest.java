package io.purebridge.engine.array;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake must follow the SPI contract, or tests built on it prove nothing. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InMemoryFlashArrayTest {
    private final InMemoryFlashArray array = new InMemoryFlashArray("fa1");

    private static ErrorCode codeOf(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            return e.code();
        }
        throw new AssertionError("expected an EngineException");
    }

    @Test
    void createExistingNameFailsAndDestroyedNameIsKept() {
        array.createVolume("v1", 1024);
        assertThat(codeOf(() -> array.createVolume("v1", 1024))).isEqualTo(ErrorCode.ALREADY_EXISTS);
        array.destroyVolume("v1");
        assertThatThrownBy(() -> array.createVolume("v1", 1024))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason()).isEqualTo("DESTROYED"));
        assertThat(array.findVolume("v1")).get().extracting(VolumeRecord::destroyed).isEqualTo(true);
        array.eradicateVolume("v1");
        assertThat(array.findVolume("v1")).isEmpty();
        assertThat(codeOf(() -> array.resizeVolume("v1", 2048, false))).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void destroyFailsWhileConnectedAndLunsStartAtOne() {
        array.createVolume("v1", 1024);
        array.createVolume("v2", 1024);
        array.createHost("h1", List.of("iqn.2024-01.org.example:h1"), List.of(), List.of());
        assertThat(array.connect("h1", "v1").lun()).isEqualTo(1);
        assertThat(array.connect("h1", "v2").lun()).isEqualTo(2);
        assertThat(codeOf(() -> array.connect("h1", "v1"))).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(codeOf(() -> array.destroyVolume("v1"))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        array.disconnect("h1", "v1");
        assertThat(array.connect("h1", "v1").lun()).isEqualTo(1);
        assertThat(array.findHost("h1")).get().extracting(HostRecord::connectionCount).isEqualTo(2);
    }

    @Test
    void hostLookupByWwnIgnoresCaseAndColons() {
        array.createHost("h1", List.of(), List.of("21:00:00:24:ff:4c:c3:e0"), List.of());
        assertThat(array.findHostByInitiator("21000024FF4CC3E0")).isPresent();
        assertThat(codeOf(() -> array.createHost("h2", List.of(), List.of("21000024ff4cc3e0"), List.of())))
                .isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void copyCarriesContentAndRenameMovesSnapshots() {
        array.createVolume("v1", 1024);
        array.writeContent("v1", "A");
        array.createSnapshot("v1", "s1");
        array.writeContent("v1", "B");
        array.copyVolume("v1.s1", "v1", true);
        assertThat(array.content("v1")).isEqualTo("A");
        array.renameVolume("v1", "v9");
        assertThat(array.findSnapshot("v9.s1")).isPresent();
        assertThat(array.listPorts()).extracting(PortRecord::service).contains(PortService.ISCSI, PortService.FC,
                PortService.NVME_TCP, PortService.NVME_ROCE);
    }

    @Test
    void connectorChecksTokenAndName() {
        InMemoryArrayConnector connector = new InMemoryArrayConnector();
        connector.addArray("fa1", "good");
        assertThat(connector.connect(new ArrayEndpoint("sim://fa1", "good", false, null)).arrayInfo().name())
                .isEqualTo("fa1");
        assertThat(codeOf(() -> connector.connect(new ArrayEndpoint("sim://fa1", "bad", false, null))))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(codeOf(() -> connector.connect(new ArrayEndpoint("sim://nope", "good", false, null))))
                .isEqualTo(ErrorCode.NOT_FOUND);
    }
}
