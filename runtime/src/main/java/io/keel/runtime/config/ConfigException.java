package io.keel.runtime.config;

import io.keel.runtime.KeelException;

import java.io.Serial;

/** A setting is missing, malformed or out of range. The message names the key, the value and what is allowed. */
public final class ConfigException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
