package io.purebridge.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The alert rules and Grafana dashboard shipped in config-samples/, and the metric names they use. */
final class MonitoringSamples {
    static final Path DIR = Path.of("..", "config-samples");
    static final Path ALERTS = DIR.resolve("prometheus/purebridge-alerts.yml");
    static final Path ALERT_TESTS = DIR.resolve("prometheus/purebridge-alerts.test.yml");
    static final Path DASHBOARD = DIR.resolve("grafana/purebridge-dashboard.json");

    private static final Pattern NAME = Pattern.compile("\\bpurebridge_[a-z0-9_]+");

    private MonitoringSamples() {
    }

    /** Every {@code purebridge_*} metric family named in {@code file}, without sample suffixes. */
    static Set<String> families(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
            names.add(family(m.group()));
        }
        return names;
    }

    /** The family of a sample or family name: histograms' _bucket/_count/_sum and counters' _total removed. */
    static String family(String name) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total"}) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }
}
