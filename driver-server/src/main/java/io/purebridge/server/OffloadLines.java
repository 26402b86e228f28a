package io.purebridge.server;

import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.OffloadTargets;
import io.purebridge.server.config.ConfigKeys;
import io.purebridge.server.s3.EmbeddedS3Server;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start lines about snapshot offload, one per target, like the REST front end's:
 * {@code purebridge offload target offload-s3: s3://BUCKET at http://HOST:PORT (credentials in FILE)}.
 * Only names, buckets, endpoints and file paths: never a secret.
 */
final class OffloadLines {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadLines.class);

    private OffloadLines() {
    }

    static List<String> of(EngineFactory.Engine engine) {
        List<String> lines = new ArrayList<>();
        OffloadTargets targets = engine.offloadTargets();
        boolean embeddedUsed = false;
        for (String name : targets.names()) {
            OffloadTarget t = targets.target(name);
            boolean embedded = isEmbedded(engine, t);
            embeddedUsed |= embedded;
            lines.add("purebridge offload target " + name + ": s3://" + t.bucket() + " at "
                    + (t.endpoint() == null ? "AWS " + t.region() : t.endpoint().toString())
                    + (embedded ? " (credentials in " + engine.s3().get().credentialsFile() + ")" : ""));
        }
        if (!embeddedUsed) {
            engine.s3().ifPresent(s3 -> lines.add("purebridge S3 server at " + s3.endpoint() + " (credentials in "
                    + s3.credentialsFile() + "; not an offload target: [offload.NAME] sections are configured)"));
        }
        return lines;
    }

    /** Connects the embedded target (initialises or reconnects its bucket); a failure is logged, not fatal. */
    static void connectEmbedded(EngineFactory.Engine engine) {
        OffloadTargets targets = engine.offloadTargets();
        if (engine.s3().isEmpty() || !targets.names().contains(ConfigKeys.S3.TARGET_NAME)
                || !isEmbedded(engine, targets.target(ConfigKeys.S3.TARGET_NAME))) {
            return;
        }
        OffloadTargets.TargetStatus status = targets.status(ConfigKeys.S3.TARGET_NAME);
        if (status.connected()) {
            LOG.info("offload: target {} {} bucket {}", ConfigKeys.S3.TARGET_NAME,
                    status.connection().initialized() ? "initialised" : "reconnected", status.target().bucket());
        } else {
            LOG.warn("offload: target {} did not connect: {}", ConfigKeys.S3.TARGET_NAME, status.error());
        }
    }

    private static boolean isEmbedded(EngineFactory.Engine engine, OffloadTarget t) {
        return engine.s3().map(EmbeddedS3Server::endpoint).map(e -> e.equals(t.endpoint())).orElse(false);
    }
}
