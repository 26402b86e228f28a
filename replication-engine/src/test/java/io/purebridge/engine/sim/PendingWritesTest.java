package io.purebridge.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data write's changes are visible to every read of the index from its append on, before RocksDB
 * holds them, and read the same once it does: puts, deletes and replaced values, through get,
 * multi-get and a prefix scan (merged in RocksDB's key order).
 */
class PendingWritesTest {
    @TempDir
    Path dir;

    @Test
    void appendedChangesReadTheSameBeforeAndAfterTheyAreApplied() {
        try (SimStore store = new SimStore("pending", dir.resolve("pending"))) {
            try (Tx first = new Tx()) {
                first.put(key("t/a1"), value("old"));
                first.put(key("t/a3"), value("doomed"));
                first.put(key("t/\u00ff"), value("high byte, sorted last"));
                store.write(first.batch);
            }
            SimStore.PendingCommit pending;
            try (Tx second = new Tx()) {
                second.put(key("t/a1"), value("new"));
                second.put(key("t/a2"), value("added"));
                second.delete(key("t/a3"));
                pending = store.append(second.batch, second.writes);
                second.handOff();
            }
            assertLatest(store);
            store.complete(pending);
            assertLatest(store);
        }
        try (SimStore reopened = new SimStore("pending", dir.resolve("pending"))) {
            assertLatest(reopened);
        }
    }

    @Test
    void aLaterPendingValueOutlivesTheApplyOfAnEarlierOne() {
        try (SimStore store = new SimStore("pending", dir.resolve("later"))) {
            SimStore.PendingCommit earlier = appendPut(store, "t/k", "earlier");
            SimStore.PendingCommit later = appendPut(store, "t/k", "later");
            store.complete(earlier);
            assertThat(text(store.get(store.meta(), key("t/k")))).isEqualTo("later");
            store.complete(later);
            assertThat(text(store.get(store.meta(), key("t/k")))).isEqualTo("later");
        }
    }

    private static SimStore.PendingCommit appendPut(SimStore store, String k, String v) {
        try (Tx tx = new Tx()) {
            tx.put(key(k), value(v));
            SimStore.PendingCommit pending = store.append(tx.batch, tx.writes);
            tx.handOff();
            return pending;
        }
    }

    private static void assertLatest(SimStore store) {
        assertThat(text(store.get(store.meta(), key("t/a1")))).isEqualTo("new");
        assertThat(store.get(store.meta(), key("t/a3"))).isNull();
        assertThat(store.multiGet(store.meta(), List.of(key("t/a1"), key("t/a2"), key("t/a3"))))
                .extracting(PendingWritesTest::text).containsExactly("new", "added", null);
        List<String> scanned = new ArrayList<>();
        store.scan(key("t/"), (k, v) -> scanned.add(text(k) + "=" + text(v)));
        assertThat(scanned).containsExactly("t/a1=new", "t/a2=added", "t/\u00ff=high byte, sorted last");
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(String v) {
        return v.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
