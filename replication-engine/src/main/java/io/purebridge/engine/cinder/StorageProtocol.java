package io.purebridge.engine.cinder;

/** The protocol of the driver class Cinder loaded, and its storage_protocol stats value. */
public enum StorageProtocol {
    ISCSI("iSCSI"),
    FC("FC"),
    NVME_ROCE("NVMe-RoCE"),
    NVME_TCP("NVMe-TCP");

    private final String cinderName;

    StorageProtocol(String cinderName) {
        this.cinderName = cinderName;
    }

    /** The value Cinder expects in storage_protocol. */
    public String cinderName() {
        return cinderName;
    }
}
