package io.keel.bench.naive;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.admin.AdminGuard;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.Routes;
import io.keel.store.db.Database;
import io.keel.store.db.Jdbc;
import io.keel.store.exports.ExportFormat;
import io.keel.store.exports.ExportRow;
import io.keel.store.exports.ExportWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/orders/export} the naive way: the driver's default query (PostgreSQL and H2 hold the whole result
 * in memory), every row in a list, the whole file in a byte array, then one write. Same columns, formats and admin
 * check as the store's streaming export.
 */
final class NaiveExport {
    private static final Logger LOG = LoggerFactory.getLogger(NaiveExport.class);
    private static final String SELECT = "SELECT id, user_id, created_at, status, currency, total_cents, item_count "
            + "FROM orders WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id";
    private static final Instant END_OF_TIME = Instant.parse("9999-01-01T00:00:00Z");

    private final Database db;
    private final AdminGuard admin;
    private final ObjectMapper mapper;
    private final Clock clock;

    NaiveExport(Database db, AdminGuard admin, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.admin = admin;
        this.mapper = mapper;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.route(Method.GET, "/api/orders/export", Routes.Kind.STREAM, this::export);
    }

    private void export(ServerRequest req, ServerResponse res) {
        admin.authorize(req);
        ExportFormat format = ExportFormat.parse(Params.query(req, "format"));
        ExportWindow window = ExportWindow.parse(Params.query(req, "from"), Params.query(req, "to"));
        List<ExportRow> rows = readAll(window);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (ExportFormat.RowSink sink = format.open(whole, mapper)) {
            rows.forEach(sink::row);
        }
        LOG.warn("NAIVE: order export of {} rows held whole in memory ({} bytes)", rows.size(), whole.size());
        res.header(HeaderNames.CONTENT_TYPE, format.contentType());
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"orders-"
                + clock.instant().getEpochSecond() + "." + format.extension() + "\"");
        res.send(whole.toByteArray());
    }

    private List<ExportRow> readAll(ExportWindow window) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement select = c.prepareStatement(SELECT)) {
            Jdbc.setInstant(select, 1, window.from().orElse(Instant.EPOCH));
            Jdbc.setInstant(select, 2, window.to().orElse(END_OF_TIME));
            List<ExportRow> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ExportRow(rs.getLong(1), rs.getLong(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5),
                            rs.getLong(6), rs.getInt(7)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading the naive order export", e);
        }
    }
}
