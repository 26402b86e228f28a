package io.purebridge.engine.cinder;

import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.ProtectionGroupRecord;
import io.purebridge.engine.array.ReplicationSchedule;
import io.purebridge.engine.array.RetentionPolicy;
import io.purebridge.engine.chunk.ChunkCodec;
import io.purebridge.engine.error.EngineException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * What a volume type asks of snapshot offload (CloudSnap, reference/replication-semantics.md §4):
 * its volumes sit in a protection group whose offload target is {@code target}, snapshotted every
 * {@code frequencySeconds}, each snapshot kept {@code retentionDays} in the bucket.
 *
 * <p>Extra specs, next to upstream's {@code replication_*} and {@code flasharray:*}:
 * {@code purebridge:offload_target} (a configured offload target), {@code
 * purebridge:offload_frequency} (seconds, default {@code pure_replica_interval_default}) and
 * {@code purebridge:offload_retention} (days, default {@code pure_replica_retention_long_term_default}).
 *
 * <p>The protection group is named after the three, {@code cinder-offload-<target>-<f>s-<r>d}, so
 * every type asking the same shares one group; its schedule and target retention on the array
 * say the same again, which is how {@link #fromGroup} finds the policy of a group it meets.
 */
public record OffloadPolicy(String target, long frequencySeconds, int retentionDays) {
    public static final String TARGET = "purebridge:offload_target";
    public static final String FREQUENCY = "purebridge:offload_frequency";
    public static final String RETENTION = "purebridge:offload_retention";
    /** Every offload protection group's name starts so. */
    public static final String GROUP_PREFIX = "cinder-offload-";
    static final long MIN_FREQUENCY_SECONDS = 300;
    static final long MAX_FREQUENCY_SECONDS = 31_536_000;
    static final int MAX_RETENTION_DAYS = 36_500;
    private static final long DAY_SECONDS = 86_400;

    /**
     * The policy the extra specs ask for, checked against the configured target names; empty when
     * the type does not offload. Nothing is read from or written to any array.
     *
     * @throws EngineException INVALID_ARGUMENT {@code OFFLOAD_SPEC_INVALID} naming the key
     */
    public static Optional<OffloadPolicy> of(Map<String, String> extraSpecs, BackendOptions options,
            Collection<String> configuredTargets, String owner) {
        Optional<OffloadPolicy> policy = parse(extraSpecs, options, owner);
        if (policy.isPresent() && !configuredTargets.contains(policy.get().target())) {
            throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": " + TARGET + "='"
                    + policy.get().target() + "' is not an offload target of this service; configured targets: "
                    + configuredTargets + ". Use one of them in the volume type (or configure an [offload.NAME]"
                    + " section in the service).");
        }
        return policy;
    }

    /** The policy the specs name, without asking whether its target is configured (for leaving it). */
    static Optional<OffloadPolicy> parse(Map<String, String> extraSpecs, BackendOptions options, String owner) {
        String target = extraSpecs.get(TARGET);
        if (target == null || target.isBlank()) {
            for (String key : new String[] {FREQUENCY, RETENTION}) {
                if (extraSpecs.containsKey(key)) {
                    throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": " + key
                            + " needs " + TARGET + " in the same volume type, naming where snapshots go.");
                }
            }
            return Optional.empty();
        }
        String name = target.strip();
        if (!name.matches("[A-Za-z0-9-]{1,56}")) {
            throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": " + TARGET + "='"
                    + target + "' is not an offload target name (1-56 letters, digits or '-').");
        }
        long frequency = number(extraSpecs, FREQUENCY, options.replicaIntervalSeconds(), MIN_FREQUENCY_SECONDS,
                MAX_FREQUENCY_SECONDS, "seconds", owner);
        int retention = (int) number(extraSpecs, RETENTION, Math.max(1, options.replicaRetentionLongTermDays()), 1,
                MAX_RETENTION_DAYS, "days", owner);
        return Optional.of(new OffloadPolicy(name, frequency, retention));
    }

    private static long number(Map<String, String> specs, String key, long fallback, long min, long max, String unit,
            String owner) {
        String raw = specs.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": " + key + "='" + raw
                    + "' is not a whole number of " + unit + "; use " + min + ".." + max + ".");
        }
        if (value < min || value > max) {
            throw EngineException.invalidArgument("OFFLOAD_SPEC_INVALID", "Volume " + owner + ": " + key + "=" + value
                    + " is out of range; use " + min + ".." + max + " " + unit + ".");
        }
        return value;
    }

    /**
     * {@code cinder-offload-<target>-<f>s-<r>d}; when that is longer than an array name may be,
     * {@code cinder-offload-<start of target>-<12 hex of a hash of all three>}.
     */
    public String groupName() {
        String full = GROUP_PREFIX + target + "-" + frequencySeconds + "s-" + retentionDays + "d";
        if (full.length() <= ArrayNames.MAX_NAME) {
            return full;
        }
        String hash = ChunkCodec.hex(ChunkCodec.sha256((target + "|" + frequencySeconds + "|" + retentionDays)
                .getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        String start = target.substring(0, ArrayNames.MAX_NAME - GROUP_PREFIX.length() - hash.length() - 1)
                .replaceAll("-+$", "");
        return GROUP_PREFIX + start + "-" + hash;
    }

    /** The group's snapshot schedule: every {@code frequencySeconds}, on. */
    public ReplicationSchedule schedule() {
        return ReplicationSchedule.every(frequencySeconds * 1000L, true);
    }

    /**
     * How long snapshots stay on the array: two schedule periods, at least {@code shortTermSeconds}
     * (pure_replica_retention_short_term_default), never longer than in the bucket (a snapshot gone
     * from the bucket must not be sent again).
     */
    public RetentionPolicy localRetention(long shortTermSeconds) {
        long keep = Math.max(shortTermSeconds, 2 * frequencySeconds);
        return new RetentionPolicy(Math.min(keep, retentionDays * DAY_SECONDS), 0, 0);
    }

    /** The offload target's retention, as a group target's: every snapshot for {@code retentionDays}. */
    public RetentionPolicy targetRetention() {
        return new RetentionPolicy(retentionDays * DAY_SECONDS, 0, 0);
    }

    /** The policy of an offload group found on an array, if its name and settings agree with one target. */
    public static Optional<OffloadPolicy> fromGroup(ProtectionGroupRecord group, Collection<String> targets) {
        if (!group.local() || !group.name().startsWith(GROUP_PREFIX) || group.replicationSchedule() == null
                || group.targetRetention() == null) {
            return Optional.empty();
        }
        long frequency = group.replicationSchedule().frequencyMs() / 1000L;
        long days = group.targetRetention().allForSec() / DAY_SECONDS;
        if (days < 1 || days > MAX_RETENTION_DAYS) {
            return Optional.empty();
        }
        for (String target : targets) {
            OffloadPolicy candidate = new OffloadPolicy(target, frequency, (int) days);
            if (candidate.groupName().equals(group.name())) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "offload to " + target + " every " + frequencySeconds + " s, kept " + retentionDays + " days"
                + " (" + groupName() + ")";
    }
}
