package io.purebridge.engine.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the replication fabric persists beside the arrays (one JSON file, replaced atomically and
 * fsynced before a control or status change is acknowledged): link states, the mediator, stopped
 * arrays, and each pod's members and per-array status. Pod objects and dirty-block markers live in
 * the arrays' own stores.
 */
final class FabricState {
    /** "a|b" with a < b for every cut link. */
    public Set<String> cutLinks = new TreeSet<>();
    public boolean mediatorReachable = true;
    public Set<String> stoppedArrays = new TreeSet<>();
    public Map<String, Pod> pods = new TreeMap<>();

    static String link(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    static final class Pod {
        public String name;
        public String id;
        public long createdEpochMillis;
        public List<String> members = new ArrayList<>();
        public List<String> failoverPreferences = new ArrayList<>();
        /** The array pre-elected while the mediator was unreachable, or null. */
        public String preElected;
        public Map<String, Member> status = new TreeMap<>();
    }

    static final class Member {
        public String status = "online";
        /** Holds every acknowledged write of the pod (may serve once it reaches the mediator). */
        public boolean inSync = true;
        public long frozenAtEpochMillis;
        public long resyncDone;
        public long resyncTotal;
    }
}
