package io.purebridge.engine.sim;

import java.util.List;

/**
 * The replication network's fault state as the operator set it.
 *
 * @param cutLinks cut links as "a|b" (a before b)
 */
public record NetworkStatus(boolean mediatorReachable, List<String> cutLinks, List<String> stoppedArrays,
        List<String> arrays) {
    public NetworkStatus {
        cutLinks = List.copyOf(cutLinks);
        stoppedArrays = List.copyOf(stoppedArrays);
        arrays = List.copyOf(arrays);
    }
}
