package io.keel.store.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.keel.store.db.Jdbc;
import io.keel.store.http.StoreUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/orders/export} over real HTTP against a real store, on every supported database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExportContract {
    static final int ORDERS = 5_000;
    private static final String ADMIN = StoreUnderTest.OPERATOR_TOKEN;

    private StoreUnderTest store;
    private List<List<String>> expected;

    protected abstract StoreUnderTest openStore(Map<String, String> settings);

    @BeforeAll
    void startStore() {
        store = openStore(Map.of("seed-orders", Integer.toString(ORDERS)));
        expected = databaseRows();
    }

    @AfterAll
    void stopStore() {
        store.close();
    }

    /** Every order as the export must show it, with item_count counted from the items themselves. */
    private List<List<String>> databaseRows() {
        String sql = "SELECT id, user_id, created_at, status, currency, total_cents,"
                + " (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) FROM orders o ORDER BY created_at, id";
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = store.service().database().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql);
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(List.of(result.getString(1), result.getString(2),
                        Jdbc.getInstant(result, "created_at").toString(), result.getString(4), result.getString(5),
                        result.getString(6), result.getString(7)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static List<List<String>> parseCsv(String body) {
        try (MappingIterator<List<String>> rows = new CsvMapper().readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(body)) {
            return rows.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<List<String>> window(Instant from, Instant to) {
        return expected.stream().filter(row -> {
            Instant created = Instant.parse(row.get(2));
            return !created.isBefore(from) && created.isBefore(to);
        }).toList();
    }

    @Test
    void aCsvExportHoldsTheHeaderAndEveryOrderOfTheDatabaseInOrder() {
        HttpResponse<String> response = store.get("/api/orders/export?format=csv", ADMIN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/csv"));
        assertThat(response.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                value -> assertThat(value).matches("attachment; filename=\"orders-\\d{8}T\\d{6}Z\\.csv\""));
        assertThat(response.body()).startsWith("id,user_id,created_at,status,currency,total_cents,item_count\r\n");
        List<List<String>> rows = parseCsv(response.body());
        assertThat(rows.getFirst()).isEqualTo(ExportFormat.COLUMNS);
        assertThat(rows.subList(1, rows.size())).hasSize(ORDERS).isEqualTo(expected);
    }

    @Test
    void anNdjsonExportHoldsTheSameRowsOneObjectPerLine() {
        HttpResponse<String> response = store.get("/api/orders/export?format=ndjson", ADMIN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/x-ndjson");
        assertThat(response.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                value -> assertThat(value).endsWith(".ndjson\""));
        assertThat(response.body()).endsWith("}\n");
        List<List<String>> rows = response.body().lines().map(StoreUnderTest::json)
                .map(ExportContract::fields).toList();
        assertThat(rows).isEqualTo(expected);
    }

    private static List<String> fields(JsonNode line) {
        assertThat(line.size()).isEqualTo(ExportFormat.COLUMNS.size());
        return ExportFormat.COLUMNS.stream().map(column -> line.get(column).asText()).toList();
    }

    @Test
    void fromAndToSelectAHalfOpenWindowOfCreationTimes() {
        Instant from = Instant.parse(expected.get(ORDERS / 4).get(2));
        Instant to = Instant.parse(expected.get(ORDERS / 2).get(2));

        List<List<String>> rows = parseCsv(store.get("/api/orders/export?from=" + from + "&to=" + to, ADMIN).body());
        List<List<String>> onlyFrom = parseCsv(store.get("/api/orders/export?from=" + from, ADMIN).body());
        List<List<String>> onlyTo = parseCsv(store.get("/api/orders/export?to=" + to, ADMIN).body());
        List<List<String>> empty = parseCsv(store.get("/api/orders/export?from=" + to + "&to=" + to, ADMIN).body());

        assertThat(rows.subList(1, rows.size())).isNotEmpty().isEqualTo(window(from, to));
        assertThat(onlyFrom.subList(1, onlyFrom.size())).isEqualTo(window(from, Instant.MAX));
        assertThat(onlyTo.subList(1, onlyTo.size())).isEqualTo(window(Instant.MIN, to));
        assertThat(empty).containsExactly(ExportFormat.COLUMNS);
    }

    @Test
    void timestampsWithAnOffsetAreAccepted() {
        String from = URLEncoder.encode("2000-01-01T02:00:00+02:00", StandardCharsets.UTF_8);

        List<List<String>> rows = parseCsv(store.get("/api/orders/export?from=" + from, ADMIN).body());

        assertThat(rows).hasSize(ORDERS + 1);
    }

    @Test
    void malformedParametersAre400sNamingTheField() {
        assertField(store.get("/api/orders/export?from=yesterday", ADMIN), "from");
        assertField(store.get("/api/orders/export?to=2025-13-01T00:00:00Z", ADMIN), "to");
        assertField(store.get("/api/orders/export?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", ADMIN),
                "from");
        assertField(store.get("/api/orders/export?format=xlsx", ADMIN), "format");
    }

    private static void assertField(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(StoreUnderTest.json(response.body()).get("errors").get(0).get("field").asText()).isEqualTo(field);
    }

    @Test
    void onlyAdminsMayExport() {
        StoreUnderTest.User customer = store.newUser();

        assertThat(store.get("/api/orders/export", customer.token()).statusCode()).isEqualTo(403);
        assertThat(store.get("/api/orders/export", "not-a-token").statusCode()).isEqualTo(401);
    }
}
