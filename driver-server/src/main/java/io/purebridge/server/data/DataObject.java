package io.purebridge.server.data;

import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.error.EngineException;
import java.util.Objects;

/**
 * A volume or snapshot whose bytes a stream reads or writes, resolved once per call.
 *
 * @param name the object's name on the array
 * @param sizeBytes its provisioned size when the call started
 */
public record DataObject(String name, long sizeBytes, BlockDataAccess access) {
    public DataObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
    }

    /**
     * The length of {@code [offset, offset+length)}, where a length of 0 means "to the end".
     *
     * @throws EngineException OUT_OF_RANGE (RANGE_PAST_END) when the range leaves the object
     */
    public long resolveLength(long offsetBytes, long lengthBytes) {
        long length = lengthBytes == 0 ? sizeBytes - offsetBytes : lengthBytes;
        checkRange(offsetBytes, length);
        return length;
    }

    /** @throws EngineException OUT_OF_RANGE (RANGE_PAST_END) when the range leaves the object */
    public void checkRange(long offsetBytes, long lengthBytes) {
        if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > sizeBytes || lengthBytes > sizeBytes - offsetBytes) {
            throw EngineException.outOfRange("RANGE_PAST_END", "Range [" + offsetBytes + ", " + offsetBytes + "+"
                    + lengthBytes + ") lies outside " + name + ", which is " + sizeBytes
                    + " bytes; stay within the object or extend the volume first.");
        }
    }
}
