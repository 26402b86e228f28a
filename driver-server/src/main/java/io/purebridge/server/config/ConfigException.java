package io.purebridge.server.config;

/** A bad service configuration. The message is one line that names the file and key; no stack trace is shown. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
