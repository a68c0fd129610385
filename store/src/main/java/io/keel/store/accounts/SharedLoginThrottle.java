package io.keel.store.accounts;

import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link FailureCounts} in the {@code login_failures} table of the PostgreSQL database every instance shares, so a
 * failure counted by one instance refuses the key on all of them. A failure is one atomic upsert (concurrent failures
 * on several instances are all counted) and deletes the rows of ended windows, so the table holds only keys that
 * failed within the last window; the bound on it is the attackers' rate times the window, on disk, never in the heap.
 * Thread-safe and stateless; every call borrows one pooled connection and blocks on the database.
 */
final class SharedLoginThrottle implements FailureCounts {
    private static final String FAILURE = "INSERT INTO login_failures (throttle_key, window_start, failures)"
            + " VALUES (?, ?, 1) ON CONFLICT (throttle_key) DO UPDATE SET"
            + " failures = CASE WHEN login_failures.window_start > ? THEN login_failures.failures + 1 ELSE 1 END,"
            + " window_start = CASE WHEN login_failures.window_start > ? THEN login_failures.window_start"
            + " ELSE EXCLUDED.window_start END";

    private final DataSource dataSource;
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;

    SharedLoginThrottle(DataSource dataSource, int maxFailures, Duration window, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    private record Window(Instant start, int failures) {
    }

    /** The key's current window, empty when it has none or it ended. */
    private Optional<Window> current(String key, Instant now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT window_start, failures FROM login_failures WHERE throttle_key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Window w = new Window(Jdbc.getInstant(rows, 1), rows.getInt(2));
                return now.isBefore(w.start().plus(window)) ? Optional.of(w) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading sign-in failures", e);
        }
    }

    @Override
    public Optional<Duration> blocked(String key) {
        Instant now = clock.instant();
        return current(key, now).filter(w -> w.failures() >= maxFailures)
                .map(w -> Duration.between(now, w.start().plus(window)));
    }

    @Override
    public int failures(String key) {
        return current(key, clock.instant()).map(Window::failures).orElse(0);
    }

    @Override
    public void failure(String key) {
        Instant now = Jdbc.truncate(clock.instant());
        Instant ended = now.minus(window);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement(FAILURE);
             PreparedStatement purge = connection.prepareStatement(
                     "DELETE FROM login_failures WHERE window_start <= ?")) {
            upsert.setString(1, key);
            Jdbc.setInstant(upsert, 2, now);
            Jdbc.setInstant(upsert, 3, ended);
            Jdbc.setInstant(upsert, 4, ended);
            upsert.executeUpdate();
            Jdbc.setInstant(purge, 1, ended);
            purge.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("counting a sign-in failure", e);
        }
    }

    @Override
    public void success(String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM login_failures WHERE throttle_key = ?")) {
            delete.setString(1, key);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("clearing sign-in failures", e);
        }
    }
}
