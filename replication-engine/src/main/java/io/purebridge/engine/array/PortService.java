package io.purebridge.engine.array;

/** The data service a target port offers. */
public enum PortService {
    ISCSI,
    FC,
    NVME_TCP,
    NVME_ROCE
}
