package io.purebridge.server.config;

import java.util.Objects;

/**
 * The {@code [s3]} section: an S3 server embedded in the service (S3Proxy on the local disk under
 * {@code <data_dir>/s3/}) that gives a fresh installation a working offload target.
 *
 * @param enabled whether it starts with the service (off by default)
 * @param bindAddress the address it listens on; loopback by default
 * @param port its TCP port; 0 picks a free one (printed at start)
 * @param bucket the bucket of the default target {@code offload-s3}, created when missing
 */
public record S3ServerConfig(boolean enabled, String bindAddress, int port, String bucket) {
    public S3ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(bucket, "bucket");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    public static S3ServerConfig disabled() {
        return new S3ServerConfig(false, ConfigKeys.S3.BIND_ADDRESS_DEFAULT, ConfigKeys.S3.PORT_DEFAULT,
                ConfigKeys.S3.BUCKET_DEFAULT);
    }
}
