package io.keel.bench.scenario;

import io.keel.bench.ServiceSource;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.report.Headline;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 6, reload-under-load: the store supervised as {@code ./keel start} runs it, the light mix plus order
 * placements at fixed rates (open loop), and in the middle a rolling reload ({@code POST /reload} on the
 * supervisor's control port, as {@code ./keel reload} does). Reports failed requests per class and window (the spec
 * requires 0), p99 during the reload against before it, and reads every acknowledged order back. On H2 the
 * supervisor cannot overlap two workers on the file, so the reload is a hand-over (the new worker holds its requests
 * from its listen to its ready line): the report says so. Blocking.
 */
public final class ReloadUnderLoad {
    static final String NAME = "reload-under-load";

    private ReloadUnderLoad() {
    }

    public static Outcome run(ServiceSource services, RunOptions options, EventOptions eo, PrintStream log) {
        Combined combined = new Combined();
        List<Headline> headlines = new ArrayList<>();
        Duration window = window(options);
        for (ExportScale.Db db : eo.dbs()) {
            String label = SupervisedRun.label(db);
            try (SupervisedRun run = SupervisedRun.start(services, eo.where(), db, eo.seedOrders(), NAME, log)) {
                ScenarioContext ctx = new ScenarioContext(run.service(), options, log);
                ctx.monitor().start();
                OrderMix mix = OrderMix.setup(ctx);
                warm(ctx, mix, eo, label);
                List<Long> before = run.readyPids();
                Ledger ledger = new Ledger(OrderMix.ORDER_CREATE, 100_000);
                String prefix = label + "-reload";
                ctx.beginPhase(prefix);
                EventRun.Windows<HttpResponse<String>> w = EventRun.run(ctx, prefix,
                        d -> mix.specs(options.rate(), eo.orderRate(), d, ledger), window, window,
                        () -> run.service().reload());
                ctx.endPhase();
                List<Long> after = run.readyPids();
                LostOrders.Result lost = OrderMix.check(ctx, ledger.acknowledged());
                WindowFigures.record(ctx, prefix, w, ledger, w.eventStartNanos());
                WindowFigures.note(ctx, label + " reload", lost);
                ctx.figure(prefix + "-answer-status", w.event().statusCode());
                long replaced = before.stream().filter(p -> !after.contains(p)).count();
                ctx.figure(prefix + "-workers-replaced", (double) replaced);
                // A reload that replaced no worker measured nothing of a reload
                boolean reloaded = w.event().statusCode() == 200 && replaced == run.workers();
                String event = reloaded ? "a rolling reload" : "a refused reload";
                String invalid = "the reload replaced " + replaced + " of " + run.workers() + " worker(s) and answered "
                        + w.event().statusCode();
                ctx.note(label + ": " + run.workers() + " worker(s), pids " + before + " before, " + after
                        + " after; the reload took " + Math.round(w.eventMs()) + " ms and answered "
                        + w.event().statusCode() + " " + w.event().body().strip());
                if (db == ExportScale.Db.H2) {
                    ctx.note("h2: embedded H2 is a file one process opens, so the supervisor runs one worker and a "
                            + "reload hands the database over (README, \"Hand-over on embedded H2\"): requests that "
                            + "reach the new worker wait from its listen to its ready line");
                }
                long failed = WindowFigures.failed(w);
                headlines.add(Headline.of("failed requests around " + event + ", " + label, (double) failed,
                        "requests", "requests sent", (double) WindowFigures.sent(w), "share failed; the spec requires 0")
                        .validIf(reloaded, invalid));
                for (String c : WindowFigures.classes(w)) {
                    headlines.add(WindowFigures.p99DuringVsBefore(w, c, "the reload", label));
                }
                headlines.add(WindowFigures.lost(event + ", " + label, lost));
                combined.add(ctx.collect());
                combined.addPhases(w.phases());
            }
        }
        combined.note("load: light mix at " + (long) options.rate() + "/s (90% GET /api/orders/{id}, 10% GET "
                + "/api/products) plus POST /api/orders at " + eo.orderRate() + "/s, open loop; " + window.toSeconds()
                + " s before the reload and " + window.toSeconds() + " s after it; the service is ./keel start "
                + "(supervisor, AOT cache trained before the load)");
        return combined.write(NAME, options, headlines, options.out());
    }

    /** Steady window before and after the event: half of --duration (default 30 s, quick 8 s). */
    static Duration window(RunOptions options) {
        return options.phaseDuration().dividedBy(2);
    }

    /** Unmeasured load on the fresh workers first: JIT and pools warm up before the before window. */
    static void warm(ScenarioContext ctx, OrderMix mix, EventOptions eo, String label) {
        Duration warm = Duration.ofSeconds(ctx.options().quick() ? 2 : 10);
        ctx.log().println(label + ": warming (not measured, " + warm.toSeconds() + " s)");
        ctx.monitor().phase("warmup-" + label);
        try (OpenLoopRunner open = OpenLoopRunner.create(ctx.limits())) {
            open.runPhase("warmup", mix.specs(ctx.options().rate(), eo.orderRate(), warm,
                    new Ledger(OrderMix.ORDER_CREATE, 0)));
        }
    }
}
