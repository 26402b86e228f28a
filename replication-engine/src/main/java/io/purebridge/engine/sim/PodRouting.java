package io.purebridge.engine.sim;

import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one layer between an array's client calls and its local operations. Objects named
 * {@code pod::x} go through the replication fabric, which checks that this array serves the pod
 * and mirrors the change to the pod's other array; everything else runs locally, unchanged.
 */
final class PodRouting {
    private final ArrayCatalog c;
    private final ReplicaStore self;
    private final DataPath data;
    /** Replication between the arrays of one host; null for a stand-alone array. */
    private volatile ReplicationFabric fabric;

    PodRouting(ArrayCatalog catalog, ReplicaStore self, DataPath data) {
        this.c = catalog;
        this.self = self;
        this.data = data;
    }

    void attach(ReplicationFabric f) {
        this.fabric = f;
    }

    /**
     * Runs a metadata change: locally, or for a pod object under the fabric, which mirrors the
     * {@code affected} objects (as named before and after the change) to the pod's peers.
     */
    <T> T route(String name, Supplier<List<String>> affected, Supplier<T> body) {
        ReplicationFabric f = fabric;
        String pod = Names.podOfObject(name);
        if (f == null || pod.isEmpty()) {
            return body.get();
        }
        return f.podMutation(self, pod, affected, body);
    }

    /** Runs a local change with no pod objects in it (only the source of a copy may be in a pod). */
    <T> T routeCopy(String sourceName, String targetName, Supplier<T> body) {
        checkIo(sourceName);
        return route(targetName, objectsOf(targetName), body);
    }

    /** The names and their snapshots, as they are now (what a pod mutation may change). */
    Supplier<List<String>> objectsOf(String... names) {
        return () -> c.read(() -> {
            Set<String> out = new LinkedHashSet<>();
            for (String n : names) {
                out.add(n);
                c.snapshotsOf(n).forEach(s -> out.add(s.name()));
            }
            return List.copyOf(out);
        });
    }

    /** Refuses I/O to a pod object on an array that does not serve the pod. */
    void checkIo(String name) {
        ReplicationFabric f = fabric;
        if (f != null) {
            f.checkPodIo(self, name);
        }
    }

    /** Writes here, or to every serving array of the volume's pod; true when a peer took it too. */
    boolean write(String volumeName, long offsetBytes, byte[] bytes) {
        ReplicationFabric f = fabric;
        String pod = Names.podOfObject(volumeName);
        if (f == null || pod.isEmpty()) {
            data.write(volumeName, offsetBytes, bytes, null);
            return false;
        }
        return f.podWrite(self, pod, volumeName, offsetBytes, bytes);
    }

    /** Blocks in their stored form: written as they are locally; a pod volume's go through the fabric as bytes. */
    boolean writeEncoded(String volumeName, long offsetBytes, byte[][] hashes, byte[][] encoded) {
        ReplicationFabric f = fabric;
        String pod = Names.podOfObject(volumeName);
        if (f == null || pod.isEmpty()) {
            data.writeEncoded(volumeName, offsetBytes, hashes, encoded);
            return false;
        }
        byte[] bytes = new byte[hashes.length * BlockStore.BLOCK_SIZE];
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] != null) {
                ChunkCodec.decode(encoded[i], bytes, i * BlockStore.BLOCK_SIZE);
            }
        }
        return f.podWrite(self, pod, volumeName, offsetBytes, bytes);
    }

    /**
     * Blocks written by name where this array holds their chunks; a pod's volume takes none this way
     * (its peers may lack them), so the caller sends every block with its data.
     */
    BitSet writeHeld(String volumeName, long offsetBytes, byte[][] hashes) {
        ReplicationFabric f = fabric;
        if (f != null && !Names.podOfObject(volumeName).isEmpty()) {
            BitSet all = new BitSet(hashes.length);
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] != null) {
                    all.set(i);
                }
            }
            return all;
        }
        return data.writeHeld(volumeName, offsetBytes, hashes);
    }

    /** The fabric, for the ReplicationArray calls; refuses on a stopped or stand-alone array. */
    ReplicationFabric fabric() {
        c.requireRunning();
        ReplicationFabric f = fabric;
        if (f == null) {
            throw new EngineException(ErrorCode.UNIMPLEMENTED, "REPLICATION_NOT_HOSTED", "Simulated array "
                    + c.name() + " runs stand-alone; pods and protection groups need a SimulatedArrayHost.");
        }
        return f;
    }
}
