package io.purebridge.engine.array;

/**
 * Optional capability of an array that stores real bytes (the simulated array does; the REST client
 * does not). Callers test for it with {@code instanceof}.
 *
 * <p>Volumes are readable and writable; snapshots are read-only. Unwritten ranges read as zeros.
 * A failed call changes nothing.
 */
public interface BlockDataAccess {
    /** Largest single read or write; callers split bigger transfers. */
    int MAX_IO_BYTES = 64 << 20;

    /**
     * Writes {@code data} at {@code offsetBytes} of a live volume.
     *
     * @throws io.purebridge.engine.error.EngineException OUT_OF_RANGE past the end, NOT_FOUND for an
     *     unknown volume, FAILED_PRECONDITION for a destroyed volume or a snapshot, INVALID_ARGUMENT
     *     for more than {@link #MAX_IO_BYTES}
     */
    void write(String volumeName, long offsetBytes, byte[] data);

    /** Reads {@code length} bytes of a volume or snapshot (live or destroyed). */
    default byte[] read(String name, long offsetBytes, int length) {
        byte[] out = new byte[Math.max(0, length)];
        read(name, offsetBytes, out, 0, length);
        return out;
    }

    /**
     * Reads {@code length} bytes of a volume or snapshot into {@code out} at {@code outOffset}: the
     * same read into a buffer the caller keeps (a sequential reader reuses one instead of having a
     * fresh one allocated and zeroed per call).
     *
     * @throws IndexOutOfBoundsException when the range does not fit in {@code out}
     */
    void read(String name, long offsetBytes, byte[] out, int outOffset, int length);

    /** SHA-256 over a range of a volume or snapshot, as lower-case hex; ranges may be large. */
    String checksum(String name, long offsetBytes, long length);

    /** True space figures of one volume (its own data and what its snapshots hold). */
    VolumeSpace volumeSpace(String volumeName);
}
