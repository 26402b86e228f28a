package io.purebridge.engine.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purebridge.engine.error.EngineException;
import io.purebridge.engine.error.ErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RestErrorsTest {
    private static EngineException map(int status, String message) {
        String body = "{\"errors\":[{\"context\":\"v1\",\"message\":\"" + message + "\"}]}";
        return RestErrors.toException(status, body, "touch volume 'v1'", "10.0.0.5");
    }

    @Test
    void mapsTheFragmentsClientsMatchOn() {
        assertThat(map(400, "Volume does not exist.").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(map(400, "Volume already exists.").code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        EngineException destroyed = map(400, "Volume has been destroyed.");
        assertThat(destroyed.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(destroyed.reason()).isEqualTo("DESTROYED");
        EngineException connected = map(400, "Host cannot be deleted due to existing connections.");
        assertThat(connected.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(connected.reason()).isEqualTo("HAS_CONNECTIONS");
        assertThat(map(400, "Cannot eradicate volume that has not been destroyed.").reason()).isEqualTo("NOT_DESTROYED");
        assertThat(map(400, "Implicit truncation not permitted.").code()).isEqualTo(ErrorCode.OUT_OF_RANGE);
        assertThat(map(400, "Something else entirely.").code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        EngineException taken = map(400, "Volume v1 already exists and has been destroyed.");
        assertThat(taken.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(taken.reason()).isEqualTo("DESTROYED");
        assertThat(map(400, "Size 5 PiB exceeds the 4 PiB maximum.").code()).isEqualTo(ErrorCode.OUT_OF_RANGE);
    }

    @Test
    void replicationReasonsSurviveTheWire() {
        assertThat(map(400, "Pod does not exist.").reason()).isEqualTo("POD_NOT_FOUND");
        assertThat(map(400, "Pod cinder-pod does not exist on array pure-a; create it first.").reason())
                .isEqualTo("POD_NOT_FOUND");
        // A volume inside a pod is still a volume.
        assertThat(map(400, "Volume cinder-pod::v1 does not exist.").reason()).isEqualTo("NOT_FOUND");
        EngineException self = map(400, "Array pure-a cannot be a target of protection group pg1: it is the "
                + "group's own array.");
        assertThat(self.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(self.reason()).isEqualTo("TARGET_IS_SOURCE");
    }

    @Test
    void statusesWithoutFragments() {
        assertThat(map(401, "Authentication failed.").code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(map(503, "busy").code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(map(404, "No such path").code()).isEqualTo(ErrorCode.UNIMPLEMENTED);
        assertThat(RestErrors.toException(500, "<html>oops</html>", "list volumes", "10.0.0.5").getMessage())
                .contains("10.0.0.5").contains("oops");
    }

    @Test
    void messageNamesTheArrayAndTheObject() {
        EngineException e = map(400, "Volume does not exist.");
        assertThat(e.getMessage()).contains("10.0.0.5").contains("v1").contains("does not exist");
    }
}
