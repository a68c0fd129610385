package io.keel.store.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.store.db.TestDatabase;
import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL export through binary COPY writes byte for byte what the JDBC cursor writes, for values that test
 * the CSV writer's quoting and neutralising, fractions of every length and times entered with offsets; and a
 * window COPY cannot express falls back to the cursor.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.PG_URL_ENV, matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExportCopyPostgresTest {
    private static final List<String> STATUSES = List.of("placed", "a\"b", "x,y", "=1+2", "-5", "+1", "@me",
            "\ttab", "line\r\nbreak", "back\\slash", "café ☕ 𝄞", "", " lead", "sixteen-chars-xx");
    private static final List<String> TIMES = List.of("2025-01-01T00:00:00Z", "2025-01-01T00:00:00.5Z",
            "2025-01-01T00:00:00.123Z", "2025-01-01T00:00:00.123456Z", "2025-06-30T23:59:59.999999+05:30",
            "1999-12-31T23:59:59.000001-08:00", "0099-03-04T05:06:07Z", "2025-01-01T00:00:00.010Z");

    private StoreUnderTest store;
    private OrderExporter exporter;
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    @BeforeAll
    void startStore() {
        store = StoreUnderTest.postgres(Map.of("seed-orders", "20")); // customers 1..10 for generateOrders
        long user = store.newUser().id();
        String[] currencies = {"EUR", "U,S", "=X", "\"Q\""};
        for (int i = 0; i < STATUSES.size() * TIMES.size(); i++) {
            store.update("INSERT INTO orders (user_id, total_cents, currency, status, created_at, item_count)"
                    + " VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP WITH TIME ZONE), ?)", user, (long) (i - 40) * 1_000_003,
                    currencies[i % currencies.length], STATUSES.get(i % STATUSES.size()),
                    TIMES.get(i / STATUSES.size()), i % 5);
        }
        exporter = new OrderExporter(store.service().database(), 7);
    }

    @AfterAll
    void stopStore() {
        store.close();
    }

    private String export(OrderRows rows, ExportFormat format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (rows) {
            rows.writeTo(out, (OutputStream target) -> format.open(target, mapper));
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void copyWritesTheSameCsvAndNdjsonBytesAsTheCursor() {
        for (ExportFormat format : ExportFormat.values()) {
            String copy = export(exporter.openCopy(ExportWindow.all()), format);
            String cursor = export(exporter.openCursor(ExportWindow.all()), format);

            assertThat(copy).as(format.name()).isEqualTo(cursor);
        }
        String csv = export(exporter.openCopy(ExportWindow.all()), ExportFormat.CSV);
        assertThat(csv).startsWith("id,user_id,created_at,status,currency,total_cents,item_count\r\n")
                .contains("\"a\"\"b\"", "\"line\r\nbreak\"", "'=1+2", "café ☕ 𝄞", "\"2025-06-30T18:29:59.999999Z\"",
                        "0099-03-04T05:06:07Z", "2025-01-01T00:00:00.010Z");
        assertThat(csv.split("\r\n(?=\\d)")).hasSize(1 + (int) store.count("SELECT COUNT(*) FROM orders"));
    }

    @Test
    void aWindowSelectsTheSameRowsThroughCopyAndCursor() {
        // From the year-99 orders (inclusive) to the 1999-12-31T23:59:59.000001-08:00 ones (exclusive).
        ExportWindow window = new ExportWindow(Optional.of(Instant.parse("0099-03-04T05:06:07Z")),
                Optional.of(Instant.parse("2000-01-01T07:59:59.000001Z")));

        String copy = export(exporter.openCopy(window), ExportFormat.CSV);

        assertThat(copy).isEqualTo(export(exporter.openCursor(window), ExportFormat.CSV));
        assertThat(copy.split("\r\n(?=\\d)")).hasSize(1 + STATUSES.size());
    }

    @Test
    void onlyWindowsWithFourDigitYearsGoThroughCopyAndTheOthersFallBackToTheCursor() {
        ExportWindow far = new ExportWindow(Optional.of(Instant.parse("+10000-01-01T00:00:00Z")), Optional.empty());

        assertThat(OrderExporter.literalBounds(ExportWindow.all())).isTrue();
        assertThat(OrderExporter.literalBounds(far)).isFalse();
        try (OrderRows rows = exporter.open(far)) {
            assertThat(rows).isInstanceOf(ExportCursor.class);
        }
        try (OrderRows rows = exporter.open(ExportWindow.all())) {
            assertThat(rows).isInstanceOf(PgCopyRows.class);
        }
        assertThat(export(exporter.open(far), ExportFormat.CSV)).isEqualTo(
                "id,user_id,created_at,status,currency,total_cents,item_count\r\n");
    }

    @Test
    @Order(Integer.MAX_VALUE) // adds orders the other tests do not expect
    void closingACopyMidwayCancelsItAndLeavesEveryPooledConnectionClean() {
        store.generateOrders(200_000); // far more than the socket buffers hold: the server is still producing
        long orders = store.count("SELECT COUNT(*) FROM orders");
        OrderRows rows = exporter.openCopy(ExportWindow.all());
        long[] seen = {0};
        assertThatThrownBy(() -> rows.writeTo(OutputStream.nullOutputStream(), target -> new ExportFormat.RowSink() {
            @Override
            public void row(ExportRow row) {
                if (++seen[0] == 1000) {
                    throw new IllegalStateException("client gone");
                }
            }

            @Override
            public void close() {
            }
        })).hasMessage("client gone");
        // The pool's gauge is refreshed at most once a second, hence the waits.
        await().atMost(Duration.ofSeconds(5)).until(() -> store.activeConnections() == 1);

        rows.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> store.activeConnections() == 0);
        // Every pooled connection answers its own queries (a leftover COPY error would fail one of them).
        for (int i = 0; i < 20; i++) {
            assertThat(store.count("SELECT COUNT(*) FROM orders")).isEqualTo(orders);
        }
        String csv = export(exporter.openCopy(ExportWindow.all()), ExportFormat.CSV);
        assertThat(csv.split("\r\n(?=\\d)")).hasSize((int) orders + 1);
    }

    @Test
    @Order(Integer.MAX_VALUE) // after the volume the test above adds
    void aCopyWhoseServerProcessDiedIsEvictedNotHandedToTheNextRequest() {
        long orders = store.count("SELECT COUNT(*) FROM orders");
        PgCopyRows rows = (PgCopyRows) exporter.openCopy(ExportWindow.all());
        assertThatThrownBy(() -> rows.writeTo(OutputStream.nullOutputStream(), target -> new ExportFormat.RowSink() {
            @Override
            public void row(ExportRow row) {
                throw new IllegalStateException("client gone");
            }

            @Override
            public void close() {
            }
        })).hasMessage("client gone");
        assertThat(store.count("SELECT CASE WHEN pg_terminate_backend(?) THEN 1 ELSE 0 END",
                rows.backendPid())).as("the COPY's server process was terminated").isEqualTo(1);

        rows.close(); // the cancel's read ends in a broken connection, not in the cancellation

        // Borrowed at once, so the pool does not test them first (it does after 500 ms idle): had the broken
        // connection gone back, this thread, which returned it last, would get it first and fail.
        for (int i = 0; i < 20; i++) {
            assertThat(store.count("SELECT COUNT(*) FROM orders")).isEqualTo(orders);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> store.activeConnections() == 0);
    }
}
