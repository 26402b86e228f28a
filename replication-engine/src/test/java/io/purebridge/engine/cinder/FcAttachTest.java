package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FcAttachTest {
    private static final List<String> WWPNS = List.of("10000090fa0d6754", "10000090fa0d6755");
    private final CinderFixture fixture = new CinderFixture();
    private CinderBackend backend;

    @BeforeEach
    void setUp() {
        fixture.array.setPorts(List.of(
                new PortRecord("CT0.FC0", null, "52:4A:93:71:00:00:00:10", null, null, PortService.FC),
                new PortRecord("CT1.FC0", null, "52:4A:93:71:00:00:01:10", null, null, PortService.FC),
                // NVMe over FC: has an nqn, so it is not a SCSI FC target.
                new PortRecord("CT0.FC8", null, "52:4A:93:71:00:00:00:18", "nqn.2010-06.com.purestorage:x",
                        null, PortService.FC),
                new PortRecord("CT0.ETH4", "iqn.x", null, null, "10.0.0.4:3260", PortService.ISCSI)));
        backend = fixture.backend(StorageProtocol.FC, CinderFixture.baseOptions());
    }

    private static HostConnector connector(List<String> wwpns) {
        return new HostConnector("compute-1", "", wwpns, List.of(), "", "", "", true);
    }

    @Test
    void attachMapsEveryInitiatorToEveryTarget() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var info = (ConnectionProperties.FibreChannel) backend.initializeConnection(volume, connector(WWPNS));
        List<String> targets = List.of("524a937100000010", "524a937100000110");
        assertThat(info.targetWwns()).containsExactlyElementsOf(targets);
        assertThat(info.targetLuns()).containsExactly(1, 1);
        assertThat(info.initiatorTargetMap()).isEqualTo(Map.of(WWPNS.get(0), targets, WWPNS.get(1), targets));
        String serial = fixture.array.findVolume(arrayName(volume)).orElseThrow().serial();
        assertThat(info.wwn()).isEqualTo("3624a9370" + serial.toLowerCase());
        assertThat(fixture.array.listHosts()).singleElement().extracting(HostRecord::wwns)
                .isEqualTo(List.of("10000090FA0D6754", "10000090FA0D6755"));
    }

    @Test
    void hostIsFoundByAnyOfItsWwpnsInAnyCase() {
        fixture.array.createHost("existing", List.of(), List.of("10:00:00:90:FA:0D:67:55"), List.of());
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        backend.initializeConnection(volume, connector(WWPNS));
        assertThat(fixture.array.listConnections("existing", arrayName(volume))).hasSize(1);
        assertThat(fixture.array.listHosts()).hasSize(1);
    }

    @Test
    void terminateReturnsZonesOnlyWhenTheHostIsEmpty() {
        CinderVolume first = volume(1);
        CinderVolume second = volume(1);
        backend.createVolume(first);
        backend.createVolume(second);
        backend.initializeConnection(first, connector(WWPNS));
        backend.initializeConnection(second, connector(WWPNS));

        var keep = (ConnectionProperties.FibreChannel) backend.terminateConnection(first,
                Optional.of(connector(WWPNS))).orElseThrow();
        assertThat(keep.targetWwns()).isEmpty();
        assertThat(keep.initiatorTargetMap()).isEmpty();

        var remove = (ConnectionProperties.FibreChannel) backend.terminateConnection(second,
                Optional.of(connector(WWPNS))).orElseThrow();
        assertThat(remove.targetWwns()).containsExactly("524a937100000010", "524a937100000110");
        assertThat(remove.initiatorTargetMap()).containsOnlyKeys(WWPNS);
        assertThat(fixture.array.listHosts()).isEmpty();
    }

    @Test
    void missingWwpnsAreRejected() {
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var error = failure(() -> backend.initializeConnection(volume, connector(List.of())), ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("connector.wwpns");
    }

    @Test
    void arrayWithoutFcPortsIsAPrecondition() {
        fixture.array.setPorts(List.of(new PortRecord("CT0.ETH4", "iqn.x", null, null, "10.0.0.4:3260",
                PortService.ISCSI)));
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        assertThat(failure(() -> backend.initializeConnection(volume, connector(WWPNS)), ErrorCode.FAILED_PRECONDITION)
                .reason()).isEqualTo("NO_TARGET_PORTS");
        assertThat(fixture.array.listHosts()).isEmpty();
    }
}
