package io.purebridge.engine.cinder;

/** pure_nvme_transport: what NVMe portals the NVMe driver reports. */
public enum NvmeTransport {
    /** "roce": portal transport "rdma", storage_protocol NVMe-RoCE. */
    ROCE("rdma"),
    /** "tcp": portal transport "tcp", storage_protocol NVMe-TCP. */
    TCP("tcp");

    private final String portalTransport;

    NvmeTransport(String portalTransport) {
        this.portalTransport = portalTransport;
    }

    /** The transport os-brick expects in each portal tuple. */
    public String portalTransport() {
        return portalTransport;
    }
}
