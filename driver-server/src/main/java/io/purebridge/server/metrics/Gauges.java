package io.purebridge.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Families of one scrape, filled point by point and built at the end: a family is written once
 * with every label set it has, as the exposition format wants (names are checked by the library).
 */
final class Gauges {
    private record Family(String name, String help, Unit unit, boolean counter,
            List<Labels> labels, List<Double> values) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Declares a gauge family (so it is exposed, with its help, even when it has no point yet). */
    Gauges gauge(String name, Unit unit, String help) {
        families.putIfAbsent(name, new Family(name, help, unit, false, new ArrayList<>(), new ArrayList<>()));
        return this;
    }

    /** Declares a counter family; {@code name} has no {@code _total}, the exposition adds it. */
    Gauges counter(String name, Unit unit, String help) {
        families.putIfAbsent(name, new Family(name, help, unit, true, new ArrayList<>(), new ArrayList<>()));
        return this;
    }

    /** One point of a declared family; {@code labels} are name, value, name, value... */
    void set(String name, double value, String... labels) {
        Family family = families.get(name);
        if (family == null) {
            throw new IllegalArgumentException("metric family " + name + " was not declared");
        }
        family.labels().add(Labels.of(labels));
        family.values().add(value);
    }

    List<MetricSnapshot> build() {
        List<MetricSnapshot> out = new ArrayList<>();
        for (Family f : families.values()) {
            if (f.counter()) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(f.name()).help(f.help()).unit(f.unit());
                for (int i = 0; i < f.values().size(); i++) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(f.labels().get(i))
                            .value(f.values().get(i)).build());
                }
                out.add(b.build());
            } else {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(f.name()).help(f.help()).unit(f.unit());
                for (int i = 0; i < f.values().size(); i++) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(f.labels().get(i))
                            .value(f.values().get(i)).build());
                }
                out.add(b.build());
            }
        }
        return out;
    }
}
