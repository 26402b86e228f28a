package io.purebridge.engine.sim;

import java.util.List;

/**
 * A pod as the replication network sees it (not one array's view).
 *
 * @param preElected the array pre-elected while the mediator is unreachable, or null
 */
public record PodStatus(
        String name,
        List<Member> arrays,
        List<String> failoverPreferences,
        boolean mediatorReachable,
        String preElected) {
    public PodStatus {
        arrays = List.copyOf(arrays);
        failoverPreferences = List.copyOf(failoverPreferences);
    }

    /**
     * @param inSync holds every acknowledged write
     * @param dirtyBlocks blocks still to resync to this array (counted on the serving array)
     */
    public record Member(String arrayName, String status, boolean inSync, double progress,
            long frozenAtEpochMillis, long dirtyBlocks) {
        /** Bytes still to resync to this array (whole blocks). */
        public long dirtyBytes() {
            return dirtyBlocks * BlockStore.BLOCK_SIZE;
        }
    }

    public Member member(String arrayName) {
        return arrays.stream().filter(m -> m.arrayName().equals(arrayName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(arrayName + " is not a member of pod " + name));
    }
}
