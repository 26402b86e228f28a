package io.purebridge.engine.sim;

import io.purebridge.engine.array.VolumeTag;
import io.purebridge.engine.sim.StoredState.Tag;
import io.purebridge.engine.sim.StoredState.Volume;
import io.purebridge.engine.sim.StoredState.VolumeExtras;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** Volume tags (namespace, key, value), stored with the volume's id beside its QoS. */
final class Tags {
    private final ArrayCatalog c;

    Tags(ArrayCatalog catalog) {
        this.c = catalog;
    }

    List<VolumeTag> listVolumeTags(Collection<String> volumeNames) {
        return c.read(() -> {
            List<Volume> of = new ArrayList<>();
            if (volumeNames == null || volumeNames.isEmpty()) {
                of.addAll(c.volumes.values());
            } else {
                for (String n : new TreeSet<>(volumeNames)) {
                    of.add(c.existingVolume(n));
                }
            }
            List<VolumeTag> out = new ArrayList<>();
            for (Volume v : of) {
                for (Tag t : c.extrasOf(v).tags()) {
                    out.add(new VolumeTag(v.name(), t.namespace(), t.key(), t.value(), t.copyable()));
                }
            }
            return out;
        });
    }

    List<VolumeTag> putVolumeTags(List<VolumeTag> tags) {
        Objects.requireNonNull(tags, "tags");
        for (VolumeTag t : tags) {
            checkTag(t);
        }
        return c.mutate(() -> {
            Map<String, List<Tag>> byVolume = new TreeMap<>();
            for (VolumeTag t : tags) {
                Volume v = c.existingVolume(t.resourceName());
                List<Tag> current = byVolume.computeIfAbsent(v.id(), id -> new ArrayList<>(c.extrasOf(v).tags()));
                current.removeIf(old -> old.namespace().equals(t.namespace()) && old.key().equals(t.key()));
                current.add(new Tag(t.namespace(), t.key(), t.value(), t.copyable()));
            }
            try (Tx tx = new Tx()) {
                for (Map.Entry<String, List<Tag>> e : byVolume.entrySet()) {
                    VolumeExtras x = c.extras.getOrDefault(e.getKey(), new VolumeExtras(e.getKey(), null, null, List.of()));
                    c.putExtras(tx, x.withTags(e.getValue()));
                }
                c.commit(tx, c.state);
            }
            return List.copyOf(tags);
        });
    }

    int deleteVolumeTags(String volumeName, String namespace, Collection<String> keys) {
        String ns = namespace == null || namespace.isEmpty() ? VolumeTag.DEFAULT_NAMESPACE : namespace;
        return c.mutate(() -> {
            VolumeExtras x = c.extrasOf(c.existingVolume(volumeName));
            List<Tag> kept = x.tags().stream().filter(t -> !(t.namespace().equals(ns)
                    && (keys == null || keys.isEmpty() || keys.contains(t.key())))).toList();
            int removed = x.tags().size() - kept.size();
            if (removed > 0) {
                try (Tx tx = new Tx()) {
                    c.putExtras(tx, x.withTags(kept));
                    c.commit(tx, c.state);
                }
            }
            return removed;
        });
    }

    private static void checkTag(VolumeTag t) {
        if (t.key().isEmpty() || t.key().length() > VolumeTag.MAX_KEY_LENGTH) {
            throw EngineException.invalidArgument("INVALID_TAG_KEY", "Tag key '" + t.key() + "' for volume "
                    + t.resourceName() + " is invalid: use 1-" + VolumeTag.MAX_KEY_LENGTH + " characters.");
        }
        if (t.value().length() > VolumeTag.MAX_VALUE_LENGTH) {
            throw EngineException.invalidArgument("INVALID_TAG_VALUE", "Tag value for key '" + t.key()
                    + "' of volume " + t.resourceName() + " is too long: use at most " + VolumeTag.MAX_VALUE_LENGTH
                    + " characters.");
        }
        if (t.namespace().length() > VolumeTag.MAX_KEY_LENGTH) {
            throw EngineException.invalidArgument("INVALID_TAG_NAMESPACE", "Tag namespace '" + t.namespace()
                    + "' is too long: use at most " + VolumeTag.MAX_KEY_LENGTH + " characters.");
        }
    }
}
