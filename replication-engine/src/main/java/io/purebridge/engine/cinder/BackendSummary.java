package io.purebridge.engine.cinder;

import java.util.List;

/**
 * What a registered backend is made of, as of its last registration: the arrays it reached and the
 * replication objects it owns. For status views; holds no token.
 *
 * @param primaryArray the primary's array name, or null when it was unreachable at registration
 * @param activeBackendId the replication_device serving (failed over), or null for the primary
 * @param activeArray the array that serves the backend's volumes
 * @param podName the stretched pod of sync replication, or null when no sync target is configured
 * @param protectionGroups the async protection group and, with tri-sync, the pod's group
 *     ({@code pod::pg}); empty when no async target is configured
 */
public record BackendSummary(String backendName, String primaryArray, String activeBackendId, String activeArray,
        String podName, List<String> protectionGroups, List<Target> targets) {

    public BackendSummary {
        protectionGroups = List.copyOf(protectionGroups);
        targets = List.copyOf(targets);
    }

    /**
     * One replication_device line.
     *
     * @param arrayName the target's array name, or null when it was unreachable at registration
     */
    public record Target(String backendId, ReplicationType type, String arrayName) {
    }
}
