package io.keel.store.accounts;

import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Accounts in the database. Thread-safe and stateless; every call borrows one pooled connection and blocks on
 * the database. Emails are unique ignoring case, enforced by the unique constraint on {@code email_lower}.
 */
public final class AccountRepository {
    /** The columns {@link #map} reads, in its order, of an {@code accounts} table aliased {@code a}. */
    static final String COLUMNS = "a.id, a.email, a.name, a.role, a.password_hash, a.created_at";

    private final DataSource dataSource;

    public AccountRepository(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates an account.
     *
     * @return the new account, or empty when the email is already taken (ignoring case), also when two requests
     *         race for it
     * @throws IllegalArgumentException when a value is blank or longer than the {@link Account} limits
     */
    public Optional<Account> create(String email, String name, Role role, String passwordHash, Instant now) {
        requireLength("email", email, Account.MAX_EMAIL_LENGTH);
        requireLength("name", name, Account.MAX_NAME_LENGTH);
        requireLength("passwordHash", passwordHash, Account.MAX_PASSWORD_HASH_LENGTH);
        Objects.requireNonNull(role, "role");
        Instant createdAt = Jdbc.truncate(now);
        String sql = "INSERT INTO accounts (email, email_lower, name, role, password_hash, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql, new String[] {"id"})) {
            insert.setString(1, email);
            insert.setString(2, normalize(email));
            insert.setString(3, name);
            insert.setString(4, role.jsonName());
            insert.setString(5, passwordHash);
            Jdbc.setInstant(insert, 6, createdAt);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return Optional.of(new Account(keys.getLong(1), email, name, role, passwordHash, createdAt));
            }
        } catch (SQLException e) {
            if (Jdbc.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw Jdbc.failure("creating account", e);
        }
    }

    /** The account with this email, ignoring case. */
    public Optional<Account> findByEmail(String email) {
        return findOne("SELECT " + COLUMNS + " FROM accounts a WHERE a.email_lower = ?", normalize(email));
    }

    public Optional<Account> findById(long id) {
        return findOne("SELECT " + COLUMNS + " FROM accounts a WHERE a.id = ?", id);
    }

    private Optional<Account> findOne(String sql, Object key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading account", e);
        }
    }

    /** Maps the current row of a query that selects {@link #COLUMNS} first. */
    static Account map(ResultSet rows) throws SQLException {
        return new Account(rows.getLong(1), rows.getString(2), rows.getString(3),
                Role.ofJsonName(rows.getString(4)), rows.getString(5), Jdbc.getInstant(rows, 6));
    }

    /** Locale.ROOT: a Turkish default locale must not turn "I" into a dotless "ı" and split one email in two. */
    static String normalize(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    private static void requireLength(String what, String value, int max) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(what + " length was " + value.length() + "; allowed 1.." + max);
        }
    }
}
