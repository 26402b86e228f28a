package io.purebridge.engine.offload;

import java.util.List;

/**
 * What verify found for one offloaded snapshot.
 *
 * @param snapshot its listed name
 * @param packs packs read
 * @param blocks blocks decoded and checked against the manifest
 * @param problems one line per damaged pack or block; empty when the snapshot is intact
 */
public record VerifyReport(String snapshot, int packs, int blocks, List<String> problems) {
    public boolean ok() {
        return problems.isEmpty();
    }
}
