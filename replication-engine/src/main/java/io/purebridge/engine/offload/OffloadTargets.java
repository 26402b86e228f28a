package io.purebridge.engine.offload;

import io.purebridge.engine.error.EngineException;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            s = OffloadService.connect(target(name), env, clock);
            connected.put(name, s);
        }
        return s;
    }

    @Override
    public synchronized void close() {
        connected.values().forEach(OffloadService::close);
        connected.clear();
    }
}
