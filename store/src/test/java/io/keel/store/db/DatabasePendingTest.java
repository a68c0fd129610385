package io.keel.store.db;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A database that opens later (issue 10, the hand-over of an embedded H2 file): its gate and its open. */
class DatabasePendingTest {
    @TempDir
    Path dir;

    private DbSettings h2(Duration connectionTimeout) {
        return new DbSettings("", "", "", 4, connectionTimeout, dir);
    }

    private static int selectOne(Database db) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void aCallerWaitsAtTheGateUntilTheDatabaseOpensAndIsThenServed() throws Exception {
        try (Database db = Database.pending(h2(Duration.ofSeconds(30)), new SimpleMeterRegistry());
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return selectOne(db);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, callers);
            await().atMost(Duration.ofSeconds(10)).until(() -> db.waitingForOpen() == 1);
            assertThat(answer).as("nothing answers before the open").isNotDone();
            assertThat(db.isOpen()).isFalse();
            assertThat(db.ping(Duration.ofSeconds(1))).as("readiness stays false until the open").isFalse();

            AtomicBoolean heldDuringStartSteps = new AtomicBoolean();
            db.openPending(StartSteps.begin(), () -> {
                try {
                    assertThat(selectOne(db)).as("the start steps pass the gate").isEqualTo(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                heldDuringStartSteps.set(!answer.isDone() && db.waitingForOpen() == 1);
            });

            assertThat(heldDuringStartSteps).as("the waiting caller passes only after the start steps").isTrue();
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(db.waitingForOpen()).isZero();
            assertThat(db.ping(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aCallerThatWaitsLongerThanTheConnectionTimeoutGetsATransientConnectionExceptionSaying503() {
        try (Database db = Database.pending(h2(Duration.ofMillis(250)), new SimpleMeterRegistry())) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> db.dataSource().getConnection())
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("the database is not open yet").hasMessageContaining("waited 250 ms");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void aCallerAfterTheOpenIsServedAtOnce() throws Exception {
        try (Database db = Database.pending(h2(Duration.ofSeconds(30)), new SimpleMeterRegistry())) {
            db.openPending(StartSteps.begin(), () -> { });
            long start = System.nanoTime();

            assertThat(selectOne(db)).isEqualTo(1);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(db.waitingForOpen()).isZero();
            assertThatThrownBy(() -> db.openPending(StartSteps.begin(), () -> { })).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anOpenThatFailsTurnsTheWaitingCallersAwayAtOnceInsteadOfAfterTheirTimeout() throws Exception {
        // Nothing listens on port 1: the open fails at its first connection.
        DbSettings unreachable = new DbSettings("jdbc:postgresql://127.0.0.1:1/keel", "keel", "", 2,
                Duration.ofSeconds(30), dir);
        try (Database db = Database.pending(unreachable, new SimpleMeterRegistry());
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return selectOne(db);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, callers);
            await().atMost(Duration.ofSeconds(10)).until(() -> db.waitingForOpen() == 1);

            assertThatThrownBy(() -> db.openPending(StartSteps.begin(), () -> { })).isInstanceOf(DataAccessException.class);

            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(
                    SQLTransientConnectionException.class).hasStackTraceContaining("the database did not open");
        }
    }
}
