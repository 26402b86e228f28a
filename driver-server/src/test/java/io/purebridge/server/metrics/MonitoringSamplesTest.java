package io.purebridge.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped alert rules load in Prometheus and fire when they should (promtool, when installed:
 * Debian's package {@code prometheus}); the Grafana dashboard has the structure Grafana imports.
 * That they name only exported metrics is checked against a live scrape in MetricsEndpointScenarioTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MonitoringSamplesTest {

    private static String promtool(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("promtool is not installed (apt-get install prometheus): " + e.getMessage());
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void alertRulesLoadAndTheirUnitTestsPass() throws Exception {
        Path dir = MonitoringSamples.ALERTS.getParent().toAbsolutePath();
        String check = promtool(dir, "check", "rules", MonitoringSamples.ALERTS.getFileName().toString());
        String tests = promtool(dir, "test", "rules", MonitoringSamples.ALERT_TESTS.getFileName().toString());

        assertThat(check).contains("SUCCESS: 11 rules found");
        assertThat(tests).contains("SUCCESS");
    }

    @Test
    void dashboardHasWhatGrafanaImports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(MonitoringSamples.DASHBOARD.toFile());

        assertThat(dashboard.path("title").asText()).isEqualTo("purebridge");
        assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "instance");
        Set<Integer> ids = new HashSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
            assertThat(panel.path("title").asText()).isNotBlank();
            JsonNode grid = panel.path("gridPos");
            for (String key : List.of("h", "w", "x", "y")) {
                assertThat(grid.path(key).isInt()).as("%s gridPos.%s", panel.path("title"), key).isTrue();
            }
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("type").asText()).isIn("timeseries", "stat", "bargauge");
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).contains("purebridge_").contains("instance=~\"$instance\"");
                assertThat(target.path("refId").asText()).isNotBlank();
                queries++;
            }
        }
        assertThat(queries).isGreaterThan(15);
    }
}
