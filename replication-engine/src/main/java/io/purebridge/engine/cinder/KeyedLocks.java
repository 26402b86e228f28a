package io.purebridge.engine.cinder;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks by key, the in-process half of upstream's per-host {@code pure-<host>} lock: two
 * attaches for the same connector host must not race on host creation or LUN reuse.
 */
final class KeyedLocks {
    private final ReentrantLock[] stripes;

    KeyedLocks(int count) {
        stripes = new ReentrantLock[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock lockFor(String key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }
}
