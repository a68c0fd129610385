package io.keel.runtime.dashboard;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.KeelException;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Routes;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The live dashboard: {@code GET /api/stats} answers a JSON snapshot computed from the meter registry, and
 * {@code GET /} a single self-contained page (no CDN, no external fonts) that polls it and draws five minutes of
 * sparklines in the browser.
 *
 * <pre>{@code
 * keel.dashboard()
 *         .addFigure(Figure.rate("orders", "shop.orders").label("Orders per minute").perMinute())
 *         .addFigure(Figure.gauge("openCarts", carts::size).unit("carts"));
 * }</pre>
 *
 * <p>The runtime knows only its own meters; everything a service wants shown it registers as a {@link Figure}. The
 * snapshot ({@code /api/stats}) has the runtime's sections {@code http}, {@code memory}, {@code cpu},
 * {@code scheduler}, {@code cpuPool} and {@code sse}, with units in the key names ({@code ...Ms}, {@code ...Bytes},
 * {@code ...PerSecond}), and {@code figures}: one entry per registered figure, in registration order, carrying its
 * name, label, group, kind, unit and value (rates also {@code total}, ratios {@code overall}). Rates and latency
 * percentiles cover the last {@code windowSeconds} (about 10 s once the page has polled for that long; a figure's own
 * window up to 60 s); the dashboard's own {@code /api/stats} polling is left out of the HTTP figures. A figure whose
 * meter is not registered is null. The page draws a tile per figure, grouped by the figure's group.
 *
 * <p>Thread-safe. Keeps no thread: sampling happens when stats are requested, at most every 250 ms whatever the number
 * of pollers, into a window bounded to 256 samples.
 */
public final class Dashboard {
    static final String STATS_PATH = "/api/stats";
    static final String PAGE_PATH = "/";
    private static final String PAGE_RESOURCE = "/io/keel/runtime/dashboard/index.html";
    // The page carries its script and styles inline; nothing else may load, and nothing may frame it.
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'unsafe-inline'; "
            + "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

    private final Json json;
    private final Figures figures;
    private final StatsCollector collector;
    private final byte[] page;

    private Dashboard(MeterRegistry registry, Json json, LongSupplier nanoClock, Clock wallClock) {
        MeterReader meters = new MeterReader(registry);
        this.json = json;
        this.figures = new Figures(meters, nanoClock);
        this.collector = new StatsCollector(meters, figures, nanoClock, wallClock);
        this.page = loadPage();
    }

    /** A dashboard over {@code registry}; takes the first sample now, so the first stats have a baseline. */
    public static Dashboard create(MeterRegistry registry, Json json) {
        return new Dashboard(registry, json, System::nanoTime, Clock.systemUTC());
    }

    static Dashboard create(MeterRegistry registry, Json json, LongSupplier nanoClock) {
        return new Dashboard(registry, json, nanoClock, Clock.systemUTC());
    }

    /**
     * Adds a figure shown in the stats document's figure list and as a tile on the page, from the next stats refresh
     * on. Thread-safe.
     *
     * @throws IllegalArgumentException for a name already taken, or past 32 figures
     */
    public Dashboard addFigure(Figure figure) {
        figures.add(figure);
        return this;
    }

    /**
     * Adds {@code GET /api/stats} (wrapped by {@code protect}, e.g. an operator check) and {@code GET /}; the page
     * itself holds no figures, so it loads for anyone and asks for a token when the stats answer 401.
     */
    public void register(Routes routes, UnaryOperator<Handler> protect) {
        routes.get(STATS_PATH, protect.apply(this::serveStats)).get(PAGE_PATH, this::servePage);
    }

    /** The current snapshot, as {@code /api/stats} serves it. Thread-safe; see the class comment for its shape. */
    Map<String, Object> stats() {
        return collector.stats();
    }

    private void serveStats(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.write(res, Status.OK_200, stats());
    }

    private void servePage(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("Content-Security-Policy"), PAGE_POLICY);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.send(page);
    }

    private static byte[] loadPage() {
        try (InputStream in = Dashboard.class.getResourceAsStream(PAGE_RESOURCE)) {
            if (in == null) {
                throw new KeelException("the dashboard page " + PAGE_RESOURCE + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new KeelException("cannot read the dashboard page " + PAGE_RESOURCE, e);
        }
    }
}
