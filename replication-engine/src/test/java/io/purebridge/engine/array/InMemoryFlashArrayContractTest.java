package io.purebridge.engine.array;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The FlashArray contract against the in-memory fake, so the engine's Cinder tests built on it
 * test against an array that behaves like the simulated and the REST-reached ones.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InMemoryFlashArrayContractTest extends FlashArrayContractTest {
    @Override
    protected FlashArray newArray() {
        return new InMemoryFlashArray("contract");
    }
}
