package io.keel.store.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.admin.AdminGuard;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.Routes;
import io.keel.runtime.stream.ClientGoneException;
import io.keel.runtime.stream.RowStreamWriter;
import io.keel.runtime.stream.RowStreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code GET /api/orders/export?format=csv|ndjson&from=&to=} (admin): streams orders from a database cursor to the
 * socket through a bounded {@link RowStreamWriter}, so memory does not grow with the row count and a slow reader
 * slows the cursor. A client that disconnects ends the query and frees the connection at once. A database failure
 * after the first bytes cuts the body off (no clean end of the chunked body), so a truncated file never looks whole.
 * <p>
 * Metrics: {@code keel_orders_export_rows_total}, {@code keel_orders_export_aborted_total} (client went away), plus
 * the runtime's {@code keel_stream_bytes_total{stream="orders_export"}} and {@code keel_streams_active}. Thread-safe.
 */
public final class ExportRoutes {
    static final String STREAM = "orders_export";
    private static final Logger LOG = LoggerFactory.getLogger(ExportRoutes.class);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final OrderExporter exporter;
    private final AdminGuard admin;
    private final RowStreams streams;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Counter rows;
    private final Counter aborted;

    public ExportRoutes(OrderExporter exporter, AdminGuard admin, RowStreams streams, ObjectMapper mapper,
                        Clock clock, MeterRegistry registry) {
        this.exporter = exporter;
        this.admin = admin;
        this.streams = streams;
        this.mapper = mapper;
        this.clock = clock;
        this.rows = Counter.builder("keel.orders.export.rows").description("Order rows in completed exports")
                .register(registry);
        this.aborted = Counter.builder("keel.orders.export.aborted")
                .description("Order exports ended early because the client went away").register(registry);
    }

    /** Must be registered before {@code /api/orders/{id}}, which would otherwise take "export" for an id. */
    public void register(Routes routes) {
        routes.route(Method.GET, "/api/orders/export", Routes.Kind.STREAM, this::export);
    }

    private void export(ServerRequest req, ServerResponse res) {
        admin.authorize(req);
        ExportFormat format = ExportFormat.parse(Params.query(req, "format"));
        ExportWindow window = ExportWindow.parse(Params.query(req, "from"), Params.query(req, "to"));
        try (OrderRows cursor = exporter.open(window)) {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, format.contentType());
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"orders-"
                    + FILE_TIME.format(clock.instant()) + "." + format.extension() + "\"");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            stream(res, format, cursor);
        } catch (ClientGoneException e) {
            aborted.increment();
            LOG.info("order export stopped: the client went away");
            // Closes the connection quietly; there is nobody left to answer.
            throw new ServerConnectionException("client went away during the order export", e);
        }
    }

    private void stream(ServerResponse res, ExportFormat format, OrderRows cursor) {
        ResponseGate body = new ResponseGate(res.outputStream());
        RowStreamWriter out = streams.open(STREAM, body);
        boolean complete = false;
        try {
            long count = cursor.writeTo(out, target -> format.open(target, mapper));
            complete = true;
            rows.increment((double) count);
        } finally {
            if (!complete) {
                body.abort();
            }
            out.close();
        }
    }
}
