package io.keel.store.accounts;

import java.time.Instant;
import java.util.Objects;

/**
 * A login session.
 *
 * @param tokenHash the caller's hash of the bearer token (e.g. hex SHA-256); the token itself is never stored
 */
public record Session(String tokenHash, long accountId, Instant expiresAt, Instant createdAt) {
    public static final int MAX_TOKEN_HASH_LENGTH = 128;

    public Session {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(createdAt, "createdAt");
        if (tokenHash.isBlank() || tokenHash.length() > MAX_TOKEN_HASH_LENGTH) {
            throw new IllegalArgumentException(
                    "tokenHash length was " + tokenHash.length() + "; allowed 1.." + MAX_TOKEN_HASH_LENGTH);
        }
    }

    /** Hides the token hash: sessions end up in logs. */
    @Override
    public String toString() {
        return "Session[accountId=" + accountId + ", expiresAt=" + expiresAt + ", createdAt=" + createdAt + "]";
    }
}
