package io.purebridge.server.config;

import io.purebridge.engine.offload.OffloadTarget;
import java.util.List;
import java.util.Objects;

/**
 * The offload targets of the {@code [offload.NAME]} sections, in file order, and the embedded S3
 * server of {@code [s3]}. Targets hold references to their secrets (env:/file:), never the secrets.
 */
public record OffloadConfig(List<OffloadTarget> targets, S3ServerConfig s3) {
    public OffloadConfig {
        targets = List.copyOf(targets);
        Objects.requireNonNull(s3, "s3");
    }

    public static OffloadConfig none() {
        return new OffloadConfig(List.of(), S3ServerConfig.disabled());
    }

    /** Names and buckets only: what a log line may show. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("OffloadConfig[targets=[");
        for (int i = 0; i < targets.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(targets.get(i).describe());
        }
        return b.append("], s3=").append(s3).append(']').toString();
    }
}
