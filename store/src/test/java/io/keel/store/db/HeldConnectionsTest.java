package io.keel.store.db;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Connections held past the threshold are counted, and a call site's stack is logged once, not per connection. */
class HeldConnectionsTest {
    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger hikari = (Logger) LoggerFactory.getLogger(HeldConnections.HIKARI_LOGGER);
    private Database db;

    @BeforeEach
    void open() {
        log.start();
        hikari.addAppender(log);
        db = Database.open(new DbSettings("", "", "", 4, Duration.ofSeconds(5), dir, Duration.ofSeconds(2)), registry);
    }

    @AfterEach
    void close() {
        db.close();
        hikari.detachAppender(log);
    }

    private double counted() {
        return registry.get("keel.db.connections.held.too.long").counter().count();
    }

    private double stillHeld() {
        return registry.get("keel.db.connections.held.past.threshold").gauge().value();
    }

    @Test
    void connectionsHeldPastTheThresholdAreCountedAndTheirStackLoggedOnce() throws Exception {
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(db.dataSource().getConnection()); // one call site, one stack
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> counted() == 2);
        assertThat(stillHeld()).isEqualTo(2);
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("Connection leak detection"))
                .as("one stack per call site").hasSize(1)
                .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNotNull());
        for (Connection c : held) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stillHeld() == 0);
        assertThat(counted()).as("a counter: returning does not undo it").isEqualTo(2);
    }

    @Test
    void aConnectionReturnedInTimeIsNotCounted() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        Thread.sleep(2500); // past the threshold: a leak task that was not cancelled would fire now
        assertThat(counted()).isZero();
    }

    @Test
    void aThresholdBelowHikarisMinimumIsRefused() {
        assertThatThrownBy(() -> new DbSettings("", "", "", 4, Duration.ofSeconds(5), dir, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leakThreshold");
    }
}
