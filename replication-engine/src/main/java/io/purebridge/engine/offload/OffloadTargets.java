package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The offload targets the service is configured with, by name. A target connects on first use
 * (that is when its bucket rules are checked), so one unreachable S3 endpoint does not keep the
 * service, or backends that never offload, from starting.
 */
public final class OffloadTargets implements AutoCloseable {
    private final Map<String, OffloadTarget> configured = new LinkedHashMap<>();
    private final Map<String, String> env;
    private final Clock clock;
    private final Map<String, OffloadService> connected = new LinkedHashMap<>();
    private final Map<String, Failure> failures = new LinkedHashMap<>();

    /** How long {@link #status} answers from a failed attempt before it tries to connect again. */
    public static final long STATUS_RETRY_MILLIS = 30_000;

    /**
     * Where a target stands, for status views (never a secret).
     *
     * @param connection what connecting found (initialised or reconnected, rules it could not verify), or null
     * @param error why the last attempt to connect failed, or null when connected
     */
    public record TargetStatus(OffloadTarget target, boolean connected, BucketRules.Connection connection,
            String error) {
    }

    private record Failure(String message, long atMillis) {
    }

    public OffloadTargets(List<OffloadTarget> targets, Map<String, String> env, Clock clock) {
        for (OffloadTarget t : targets) {
            if (configured.putIfAbsent(t.name(), t) != null) {
                throw EngineException.invalidArgument("OFFLOAD_TARGET_DUPLICATE",
                        "offload target '" + t.name() + "' is configured twice; give each target its own name");
            }
        }
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    /** No offload targets configured. */
    public static OffloadTargets none() {
        return new OffloadTargets(List.of(), Map.of(), Clock.systemUTC());
    }

    /** Configured target names, in configuration order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(configured.keySet());
    }

    /**
     * The configured target that FlashArrays reached over REST know as {@code nameOnArrays} (its
     * {@code array_target_name}, else its own name), if any.
     */
    public Optional<String> byNameOnArrays(String nameOnArrays) {
        return configured.values().stream().filter(t -> t.nameOnArrays().equals(nameOnArrays))
                .map(OffloadTarget::name).findFirst();
    }

    /** The configured target (never connects). */
    public OffloadTarget target(String name) {
        OffloadTarget t = configured.get(name);
        if (t == null) {
            throw EngineException.notFound("OFFLOAD_TARGET_NOT_FOUND", "no offload target named '" + name
                    + "'; configured targets: " + configured.keySet()
                    + " (add an [offload.NAME] section to the service configuration)");
        }
        return t;
    }

    /** The connected target, connecting (and checking the bucket) on first use. */
    public synchronized OffloadService service(String name) {
        OffloadService s = connected.get(name);
        if (s == null) {
            try {
                s = OffloadService.connect(target(name), env, clock);
            } catch (EngineException e) {
                failures.put(name, new Failure(e.getMessage(), clock.millis()));
                throw e;
            }
            failures.remove(name);
            connected.put(name, s);
        }
        return s;
    }

    /**
     * Connects {@code name} if it is not yet, and says how it stands. After a failed attempt the
     * failure is reported for {@link #STATUS_RETRY_MILLIS} without trying again, so a listing does
     * not wait on an unreachable endpoint each time.
     */
    public synchronized TargetStatus status(String name) {
        OffloadTarget t = target(name);
        OffloadService s = connected.get(name);
        if (s != null) {
            return new TargetStatus(t, true, s.connection(), null);
        }
        Failure f = failures.get(name);
        if (f != null && clock.millis() - f.atMillis() < STATUS_RETRY_MILLIS) {
            return new TargetStatus(t, false, null, f.message());
        }
        try {
            return new TargetStatus(t, true, service(name).connection(), null);
        } catch (EngineException e) {
            return new TargetStatus(t, false, null, e.getMessage());
        }
    }

    /** The target's service if it is connected already (never connects). */
    public synchronized Optional<OffloadService> connected(String name) {
        return Optional.ofNullable(connected.get(name));
    }

    @Override
    public synchronized void close() {
        connected.values().forEach(OffloadService::close);
        connected.clear();
    }
}
