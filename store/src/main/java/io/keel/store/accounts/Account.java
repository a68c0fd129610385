package io.keel.store.accounts;

import java.time.Instant;
import java.util.Objects;

/**
 * A user of the store.
 *
 * @param email        as the user typed it; uniqueness and look-ups ignore case
 * @param passwordHash an encoded slow hash (Argon2id/bcrypt string); never the password
 */
public record Account(long id, String email, String name, Role role, String passwordHash, Instant createdAt) {
    /** Longest email the store keeps (RFC 5321 path limit); the HTTP layer validates against it. */
    public static final int MAX_EMAIL_LENGTH = 320;
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_PASSWORD_HASH_LENGTH = 255;

    public Account {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Hides the password hash: accounts end up in logs. */
    @Override
    public String toString() {
        return "Account[id=" + id + ", email=" + email + ", name=" + name + ", role=" + role
                + ", createdAt=" + createdAt + "]";
    }
}
