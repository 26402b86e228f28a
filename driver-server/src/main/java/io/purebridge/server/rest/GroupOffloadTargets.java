package io.purebridge.server.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.offload.OffloadTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The offload targets of the simulated arrays' protection groups: a group given an offload target
 * as one of its targets ({@code POST /protection-groups/targets}, as FlashArray takes one) sends its
 * snapshots there ({@link GroupOffloadShipper}). Targets are named as arrays call them
 * ({@code array_target_name}). Kept in one JSON file, replaced whole on every change, so what a
 * client was told survives a restart.
 */
final class GroupOffloadTargets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OffloadTargets targets;
    private final Path file;
    /** Array -> group -> target names; guarded by this. */
    private final Map<String, Map<String, TreeSet<String>>> byArray;

    private GroupOffloadTargets(OffloadTargets targets, Path file, Map<String, Map<String, TreeSet<String>>> byArray) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.file = file;
        this.byArray = byArray;
    }

    /** Reads {@code file} (none yet: no group has an offload target). */
    static GroupOffloadTargets load(OffloadTargets targets, Path file) throws IOException {
        Map<String, Map<String, TreeSet<String>>> loaded = new TreeMap<>();
        if (Files.exists(file)) {
            loaded = JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Map<String, TreeSet<String>>>>() { });
        }
        return new GroupOffloadTargets(targets, file, loaded);
    }

    /** The service target an array calls {@code nameOnArrays}, if any. */
    Optional<String> serviceTarget(String nameOnArrays) {
        return targets.byNameOnArrays(nameOnArrays);
    }

    OffloadTargets targets() {
        return targets;
    }

    /** Makes {@code target} (as arrays call it) a target of the group; refuses one that is not connected. */
    synchronized void add(String array, String group, String target) {
        String service = serviceTarget(target).orElseThrow();
        if (!targets.status(service).connected()) {
            throw EngineException.failedPrecondition("OFFLOAD_TARGET_NOT_CONNECTED", "Offload target " + target
                    + " is not connected; check its bucket and credentials in the service's [offload." + service
                    + "] section.");
        }
        TreeSet<String> of = byArray.computeIfAbsent(array, a -> new TreeMap<>())
                .computeIfAbsent(group, g -> new TreeSet<>());
        if (of.add(target)) {
            saveOrUndo(() -> of.remove(target));
        }
    }

    synchronized void remove(String array, String group, String target) {
        Map<String, TreeSet<String>> groups = byArray.getOrDefault(array, Map.of());
        TreeSet<String> of = groups.get(group);
        if (of != null && of.remove(target)) {
            if (of.isEmpty()) {
                groups.remove(group);
            }
            saveOrUndo(() -> {
                of.add(target);
                groups.put(group, of);
            });
        }
    }

    /** Forgets the group's targets: it was destroyed, or is made anew under the same name. */
    synchronized void dropGroup(String array, String group) {
        Map<String, TreeSet<String>> groups = byArray.get(array);
        TreeSet<String> was = groups == null ? null : groups.remove(group);
        if (was != null) {
            saveOrUndo(() -> groups.put(group, was));
        }
    }

    synchronized List<String> of(String array, String group) {
        return List.copyOf(byArray.getOrDefault(array, Map.of()).getOrDefault(group, new TreeSet<>()));
    }

    /** Group -> target names of one array, a copy. */
    synchronized Map<String, List<String>> groupsOf(String array) {
        Map<String, List<String>> out = new TreeMap<>();
        byArray.getOrDefault(array, Map.of()).forEach((g, t) -> out.put(g, List.copyOf(t)));
        return out;
    }

    /**
     * Written to a temporary file, flushed, then moved in place: never half written. When that
     * fails, {@code undo} takes the change back, so memory never runs ahead of the file.
     */
    private void saveOrUndo(Runnable undo) {
        try {
            StateFiles.replace(file, JSON.writeValueAsBytes(byArray));
        } catch (IOException e) {
            undo.run();
            throw new UncheckedIOException("cannot save the protection groups' offload targets to " + file, e);
        }
    }
}
