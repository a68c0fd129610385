package io.keel.runtime.stream;

import io.keel.runtime.KeelException;

import java.io.Serial;

/**
 * The SHA-256 of a received body differs from the one the client declared. The received bytes were discarded.
 */
public final class ChecksumMismatchException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String expectedHex;
    private final String actualHex;

    ChecksumMismatchException(String expectedHex, String actualHex) {
        super("SHA-256 mismatch: client declared " + expectedHex + " but the body hashes to " + actualHex);
        this.expectedHex = expectedHex;
        this.actualHex = actualHex;
    }

    /** The checksum the client declared, lower-case hex. */
    public String expectedHex() {
        return expectedHex;
    }

    /** The checksum of the bytes actually received, lower-case hex. */
    public String actualHex() {
        return actualHex;
    }
}
