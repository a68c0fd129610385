package io.keel.store.accounts;

import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Login sessions keyed by the hash of their bearer token. Thread-safe and stateless; every call borrows one pooled
 * connection and blocks on the database. Expired rows stay until {@link #deleteExpired} runs, but
 * {@link #findAccount} never answers for them.
 */
public final class SessionRepository {
    private final DataSource dataSource;

    public SessionRepository(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Stores a session.
     *
     * @throws io.keel.store.db.DataAccessException when the token hash exists already (a token collision means
     *                                              the token generator is broken) or the account does not exist
     */
    public void create(Session session) {
        String sql = "INSERT INTO sessions (token_hash, account_id, expires_at, created_at) VALUES (?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, session.tokenHash());
            insert.setLong(2, session.accountId());
            Jdbc.setInstant(insert, 3, session.expiresAt());
            Jdbc.setInstant(insert, 4, session.createdAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("creating session", e);
        }
    }

    /** A session that has not expired: its account, and when it expires. */
    public record Live(Account account, Instant expiresAt) {
    }

    /**
     * The account whose session has this token hash and expires after {@code now}: one indexed join, so
     * authenticating a request costs one statement. Nothing is cached here, so a deleted session stops working at
     * once in every process that shares the database ({@link SessionCache} caches in front of this).
     */
    public Optional<Account> findAccount(String tokenHash, Instant now) {
        return find(tokenHash, now).map(Live::account);
    }

    /** {@link #findAccount} with the session's expiry. */
    public Optional<Live> find(String tokenHash, Instant now) {
        String sql = "SELECT " + AccountRepository.COLUMNS + ", s.expires_at FROM sessions s"
                + " JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at > ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tokenHash);
            Jdbc.setInstant(select, 2, now);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Live(AccountRepository.map(rows), Jdbc.getInstant(rows, 7)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading session", e);
        }
    }

    /** Ends a session at once. Returns whether it existed. */
    public boolean delete(String tokenHash) {
        return update("DELETE FROM sessions WHERE token_hash = ?", statement -> statement.setString(1, tokenHash)) > 0;
    }

    /** Removes sessions that expired at or before {@code now}; returns how many. For a periodic clean-up task. */
    public int deleteExpired(Instant now) {
        return update("DELETE FROM sessions WHERE expires_at <= ?", statement -> Jdbc.setInstant(statement, 1, now));
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("deleting sessions", e);
        }
    }
}
