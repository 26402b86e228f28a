package io.purebridge.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The request id in the MDC heads each line slf4j-simple writes; lines outside a call are unchanged. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestIdLoggerTest {

    private static String logged(Runnable body) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesOfACallCarryItsRequestIdAndOthersDoNot() {
        assertThat(LoggerFactory.getILoggerFactory().getLogger("x")).as("surefire selects the service's provider")
                .isInstanceOf(MaskingLogger.class);
        Logger log = LoggerFactory.getLogger("io.purebridge.test.Call");
        String output = logged(() -> {
            MDC.put(ServiceLogProvider.MDC_KEY, "req-4b1c2d3e-0000-4000-8000-000000000018");
            try {
                log.info("{}: created volume {}", "puredriver-1", "volume-1-cinder");
                log.warn("peer {} slow", "pure-sync", new IllegalStateException("boom"));
            } finally {
                MDC.remove(ServiceLogProvider.MDC_KEY);
            }
            log.info("heartbeat {}", 7);
            log.debug("not at info level {}", 8);
        });

        String[] lines = output.split("\n");
        assertThat(lines[0]).contains("INFO").endsWith("[req-4b1c2d3e-0000-4000-8000-000000000018] puredriver-1: created"
                + " volume volume-1-cinder");
        assertThat(lines[1]).contains("WARN").endsWith("[req-4b1c2d3e-0000-4000-8000-000000000018] peer pure-sync slow");
        assertThat(output).contains("java.lang.IllegalStateException: boom");
        assertThat(output).containsPattern("(?m)INFO Call - heartbeat 7$");
        assertThat(output).doesNotContain("not at info level");
    }

    @Test
    void theProviderServesSimpleLoggersWrapped() {
        ServiceLogProvider provider = new ServiceLogProvider();
        provider.initialize();
        Logger log = provider.getLoggerFactory().getLogger("io.purebridge.test.Provider");
        provider.getMDCAdapter().put("k", "v");
        String output = logged(() -> {
            MDC.put(ServiceLogProvider.MDC_KEY, "req-provider");
            try {
                log.info("braces {} kept in {}", "{}", "text");
                log.info("x-auth-token: {}", "0b2a9c9e-6d3f-4c55-9a43-5f0d1c2e7a10");
            } finally {
                MDC.remove(ServiceLogProvider.MDC_KEY);
            }
        });

        assertThat(provider.getMDCAdapter().get("k")).as("a working MDC, not slf4j-simple's NOP one").isEqualTo("v");

        assertThat(provider.getLoggerFactory().getLogger("io.purebridge.test.Provider")).isSameAs(log);
        String[] lines = output.strip().split("\n");
        assertThat(lines[0]).endsWith("Provider - [req-provider] braces {} kept in text");
        assertThat(lines[1]).as("secrets masked on the same lines").endsWith("Provider - [req-provider] x-auth-token: ****");
    }
}
