package io.purebridge.engine.cinder;

/**
 * One entry of Cinder's manageable list.
 *
 * @param name the array name (Cinder's reference {"name": ...})
 * @param reasonNotSafe why it is not safe to manage, "" when it is
 * @param cinderId the Cinder volume or snapshot owning it, or ""
 * @param sourceName for a snapshot, its volume's array name; else null
 */
public record ManageableObject(String name, long sizeGib, boolean safeToManage, String reasonNotSafe,
        String cinderId, String sourceName) {
}
