package io.purebridge.server.testing;

import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.purebridge.server.security.BackendCredentials;

/** Sends a backend's call credential with every call of a stub, as the shim does after RegisterBackend. */
public final class Credentials {
    private Credentials() {
    }

    public static <S extends AbstractStub<S>> S with(S stub, String credential) {
        Metadata headers = new Metadata();
        headers.put(BackendCredentials.HEADER, credential);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
