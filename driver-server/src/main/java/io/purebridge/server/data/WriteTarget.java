package io.purebridge.server.data;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a write stream's header resolved to: the volume, where writing starts and, when the client
 * declared it, how many bytes the stream carries.
 */
public record WriteTarget(DataObject object, long offsetBytes, OptionalLong lengthBytes) {
    public WriteTarget {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(lengthBytes, "lengthBytes");
        object.checkRange(offsetBytes, lengthBytes.orElse(0));
    }
}
