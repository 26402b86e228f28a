package io.purebridge.engine.cinder;

import static io.purebridge.engine.cinder.CinderFixture.arrayName;
import static io.purebridge.engine.cinder.CinderFixture.failure;
import static io.purebridge.engine.cinder.CinderFixture.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.error.ErrorCode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NvmeAttachTest {
    private static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:0c3c9f1e-1d9a-4f43-8f0c-2a1b3c4d5e6f";
    private static final String TARGET_NQN = "nqn.2010-06.com.purestorage:flasharray.abc";
    private final CinderFixture fixture = new CinderFixture();

    @BeforeEach
    void setUp() {
        fixture.array.setPorts(List.of(
                new PortRecord("CT0.ETH8", null, null, TARGET_NQN, "10.0.0.8:4420", PortService.NVME_TCP),
                new PortRecord("CT1.ETH8", null, null, TARGET_NQN, "[fd00::8]:4420", PortService.NVME_TCP),
                new PortRecord("CT0.ETH9", null, null, TARGET_NQN, "10.0.0.9:4420", PortService.NVME_ROCE),
                new PortRecord("CT0.ETH4", "iqn.x", null, null, "10.0.0.4:3260", PortService.ISCSI)));
    }

    private static HostConnector connector() {
        return new HostConnector("compute-1", "", null, null, HOST_NQN, "", "", true);
    }

    @Test
    void tcpReportsTcpPortalsAndNguid() {
        // The default CIDR 0.0.0.0/0 is IPv4 only, as upstream: IPv6 portals need an IPv6 CIDR.
        var options = CinderFixture.baseOptions();
        options.put("pure_nvme_cidr_list", "0.0.0.0/0,::/0");
        CinderBackend backend = fixture.backend(StorageProtocol.NVME_TCP, options);
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var info = (ConnectionProperties.Nvmeof) backend.initializeConnection(volume, connector());
        assertThat(info.targetNqn()).isEqualTo(TARGET_NQN);
        assertThat(info.portals()).containsExactly(
                new ConnectionProperties.NvmePortal("10.0.0.8", 4420, "tcp"),
                new ConnectionProperties.NvmePortal("fd00::8", 4420, "tcp"));
        String serial = fixture.array.findVolume(arrayName(volume)).orElseThrow().serial().toLowerCase();
        assertThat(info.volumeNguid())
                .isEqualTo("00" + serial.substring(0, 14) + "24a937" + serial.substring(14))
                .hasSize(32);
        assertThat(fixture.array.listHosts()).singleElement().satisfies(h -> assertThat(h.nqns()).containsExactly(HOST_NQN));
        assertThat(backend.terminateConnection(volume, Optional.of(connector()))).isEmpty();
        assertThat(fixture.array.listHosts()).isEmpty();
    }

    @Test
    void roceReportsRdmaPortalsFilteredByCidr() {
        var options = CinderFixture.baseOptions();
        options.put("pure_nvme_transport", "roce");
        options.put("pure_nvme_cidr", "10.0.0.0/24");
        CinderBackend backend = fixture.backend(StorageProtocol.NVME_ROCE, options);
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        var info = (ConnectionProperties.Nvmeof) backend.initializeConnection(volume, connector());
        assertThat(info.portals()).containsExactly(new ConnectionProperties.NvmePortal("10.0.0.9", 4420, "rdma"));
        CinderBackend defaults = fixture.backend(StorageProtocol.NVME_TCP, CinderFixture.baseOptions());
        var ipv4Only = (ConnectionProperties.Nvmeof) defaults.initializeConnection(volume, connector());
        assertThat(ipv4Only.portals()).extracting(ConnectionProperties.NvmePortal::address).containsExactly("10.0.0.8");
        assertThat(backend.volumeStats().storageProtocol()).isEqualTo("NVMe-RoCE");
    }

    @Test
    void noPortalInTheCidrFailsAndMissingNqnIsRejected() {
        var options = CinderFixture.baseOptions();
        options.put("pure_nvme_cidr_list", "192.168.0.0/16");
        CinderBackend backend = fixture.backend(StorageProtocol.NVME_TCP, options);
        CinderVolume volume = volume(1);
        backend.createVolume(volume);
        assertThat(failure(() -> backend.initializeConnection(volume, connector()), ErrorCode.FAILED_PRECONDITION)
                .reason()).isEqualTo("NO_TARGET_PORTS");
        assertThat(fixture.array.listHosts()).isEmpty();
        HostConnector noNqn = new HostConnector("compute-1", "iqn.x", null, null, "", "", "", true);
        assertThat(failure(() -> backend.initializeConnection(volume, noNqn), ErrorCode.INVALID_ARGUMENT).getMessage())
                .contains("connector.nqn");
    }
}
