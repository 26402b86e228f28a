package io.purebridge.server.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scrape of a metrics endpoint over HTTP, parsed from the Prometheus text format into
 * {@code name{label="value",...} -> value} (labels as the exporter wrote them, sorted by name).
 */
record Scrape(String body, Map<String, Double> samples) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Scrape of(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("scrape answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    static Scrape parse(String body) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new Scrape(body, samples);
    }

    /** The sample {@code name{labels}}; labels as name, value pairs in the exporter's (alphabetical) order. */
    double value(String name, String... labels) {
        Double v = samples.get(key(name, labels));
        if (v == null) {
            throw new AssertionError("no sample " + key(name, labels) + " in the scrape:\n" + body);
        }
        return v;
    }

    boolean has(String name, String... labels) {
        return samples.containsKey(key(name, labels));
    }

    static String key(String name, String... labels) {
        if (labels.length == 0) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                key.append(',');
            }
            key.append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
        }
        return key.append('}').toString();
    }
}
