package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replication reaches an array only through {@link ReplicaStore}: no class of the fabric names
 * the array's implementation (its facade or its catalog), so none can call their package-private
 * internals. A new fabric class belongs in FABRIC.
 */
class FabricBoundaryTest {
    private static final Path SIM = Path.of("src/main/java/io/purebridge/engine/sim");
    private static final List<String> FABRIC = List.of("ReplicationFabric", "PodMembership", "PodMirroring",
            "FabricViews", "FabricStateFile", "Replicator", "ProtectionGroups");
    private static final Pattern ARRAY_INSIDE = Pattern.compile(
            "\\b(SimulatedFlashArray|ArrayCatalog|ArrayReplicaStore|Volumes|DataPath|Hosts|PodRouting)\\b");

    @Test
    void fabricClassesUseOnlyTheReplicaStoreInterface() throws IOException {
        for (String name : FABRIC) {
            String source = Files.readString(SIM.resolve(name + ".java"));
            // Comments may name the array's classes; code may not.
            String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            assertThat(ARRAY_INSIDE.matcher(code).results().map(r -> r.group()).toList())
                    .as("%s must reach arrays only through ReplicaStore", name).isEmpty();
        }
    }

    @Test
    void replicaStoreIsTheOnlyWayIn() throws IOException {
        String facade = Files.readString(SIM.resolve("SimulatedFlashArray.java"));
        assertThat(facade).contains("ReplicaStore replicaStore()");
    }
}
