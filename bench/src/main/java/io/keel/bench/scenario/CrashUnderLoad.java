package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.ServiceSource;
import io.keel.bench.SupervisedService;
import io.keel.bench.report.Headline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * Scenario 7, crash-under-load: the store supervised as {@code ./keel start} runs it under the light mix plus order
 * placements (open loop). First one worker is SIGKILLed: the time until the supervisor's status lists a ready
 * replacement, failed requests per class split by whether they were in flight at the kill, and every acknowledged
 * order read back. Then the supervisor and every worker are SIGKILLed at once and {@code ./keel start} runs again
 * on the same data: the time until it is ready, and every order acknowledged in either part read back. Blocking.
 */
public final class CrashUnderLoad {
    static final String NAME = "crash-under-load";

    private CrashUnderLoad() {
    }

    /**
     * What the worker kill did: the victim, when the signal was sent ({@link System#nanoTime()}), the ready workers
     * afterwards, and the replacement's own ready line.
     *
     * @param readyLineMs the replacement's own ready line: from its spawn, or from its activation when {@code warm}
     *                    (a prepared standby); -1 when none was found
     */
    record Replacement(long victim, long killedNanos, List<Long> ready, long readyLineMs, boolean warm) {
    }

    /** Issue 10's goal for a replaced worker: ready within a second of the crash. */
    static final double GOAL_MS = 1000;

    public static Outcome run(ServiceSource services, RunOptions options, EventOptions eo, PrintStream log) {
        Combined combined = new Combined();
        List<Headline> headlines = new ArrayList<>();
        Duration window = ReloadUnderLoad.window(options);
        for (ExportScale.Db db : eo.dbs()) {
            String label = SupervisedRun.label(db);
            try (SupervisedRun run = SupervisedRun.start(services, eo.where(), db, eo.seedOrders(), NAME, log)) {
                ScenarioContext ctx = new ScenarioContext(run.service(), options, log);
                ctx.monitor().start();
                OrderMix mix = OrderMix.setup(ctx);
                ReloadUnderLoad.warm(ctx, mix, eo, label);

                String kill = label + "-worker-kill";
                Ledger ledger = new Ledger(OrderMix.ORDER_CREATE, 100_000);
                ctx.beginPhase(kill);
                EventRun.Windows<Replacement> w = EventRun.run(ctx, kill,
                        d -> mix.specs(options.rate(), eo.orderRate(), d, ledger), window, window,
                        () -> killOneWorker(run));
                ctx.endPhase();
                LostOrders.Result lost = OrderMix.check(ctx, ledger.acknowledged());
                WindowFigures.record(ctx, kill, w, ledger, w.event().killedNanos());
                WindowFigures.note(ctx, label + " worker SIGKILL", lost);
                Map<String, Ledger.Split> split = Ledger.split(ledger.failures(), w.event().killedNanos());
                long inFlight = split.values().stream().mapToLong(Ledger.Split::inFlight).sum();
                long failed = split.values().stream().mapToLong(Ledger.Split::total).sum() + ledger.dropped();
                double replacedMs = (w.eventEndNanos() - w.event().killedNanos()) / 1e6;
                ctx.figure(kill + "-replacement-ready-ms", replacedMs);
                ctx.figure(kill + "-replacement-ready-line-ms", (double) w.event().readyLineMs());
                ctx.note(label + ": SIGKILL of worker pid " + w.event().victim() + " (" + run.workers()
                        + " worker(s)); status listed ready workers " + w.event().ready() + " " + Math.round(replacedMs)
                        + " ms later; the replacement's own line: ready in " + w.event().readyLineMs()
                        + (w.event().warm() ? " ms after its activation (a prepared standby)" : " ms from its spawn "
                        + "(a cold start)") + "; the first ./keel start was ready in " + Math.round(run.firstStartMs())
                        + " ms (no AOT cache); failures by class and when sent: " + split);
                if (run.workers() == 1) {
                    ctx.note(label + ": one worker (embedded H2), so the service refuses connections from the kill "
                            + "until the replacement is ready: requests sent meanwhile fail by design");
                }
                headlines.add(Headline.of("SIGKILL of a worker to its replacement ready, " + label, replacedMs, "ms",
                        "the goal (issue 10)", GOAL_MS, "<= 1.0 = ready within a second of the kill (" + (w.event()
                                .warm() ? "a prepared standby took the slot" : "a cold start") + ")"));
                headlines.add(Headline.of("failed requests not in flight at the worker SIGKILL, " + label,
                        (double) (failed - inFlight), "requests", "all failed requests", (double) failed, run.workers() > 1
                                ? "share of failures that were not in flight at the kill; the spec requires 0"
                                : "one worker: requests sent while it is replaced fail by design"));
                headlines.add(Headline.of("failed requests around a worker SIGKILL, " + label, (double) failed,
                        "requests", "requests sent", (double) WindowFigures.sent(w), "share failed"));
                for (String c : WindowFigures.classes(w)) {
                    headlines.add(WindowFigures.p99DuringVsBefore(w, c, "the worker replacement", label));
                }
                headlines.add(WindowFigures.lost("a worker SIGKILL, " + label, lost));

                String all = label + "-kill-all";
                Ledger ledgerAll = new Ledger(OrderMix.ORDER_CREATE, 100_000);
                ctx.beginPhase(all);
                EventRun.Windows<SupervisedService> wa = EventRun.run(ctx, all,
                        d -> mix.specs(options.rate(), eo.orderRate(), d, ledgerAll), window, window,
                        () -> run.killAllAndStart(log));
                ctx.endPhase();
                List<String> acknowledged = new ArrayList<>(ledger.acknowledged());
                acknowledged.addAll(ledgerAll.acknowledged());
                LostOrders.Result lostAll = OrderMix.check(ctx, acknowledged);
                WindowFigures.record(ctx, all, wa, ledgerAll, wa.eventStartNanos());
                WindowFigures.note(ctx, label + " SIGKILL of everything, then ./keel start (orders of both parts)",
                        lostAll);
                ctx.figure(all + "-restart-ready-ms", wa.eventMs());
                ctx.note(label + ": SIGKILL of the supervisor and every worker, then ./keel start on the same data: "
                        + "ready " + Math.round(wa.eventMs()) + " ms after the kill; the resource samples after it "
                        + "follow the old supervisor's pid, which is gone (n/a)");
                headlines.add(Headline.of("SIGKILL of everything to ./keel start ready, " + label, wa.eventMs(), "ms",
                        "first ./keel start to ready (no AOT cache)", run.firstStartMs(),
                        "below 1.0 = the restart is ready sooner than the first start; lower is better"));
                headlines.add(WindowFigures.lost("SIGKILL of everything and ./keel start, " + label, lostAll));
                combined.add(ctx.collect());
                combined.addPhases(w.phases());
                combined.addPhases(wa.phases());
            }
        }
        combined.note("load: light mix at " + (long) options.rate() + "/s (90% GET /api/orders/{id}, 10% GET "
                + "/api/products) plus POST /api/orders at " + eo.orderRate() + "/s, open loop; " + window.toSeconds()
                + " s before each kill and " + window.toSeconds() + " s after the service is ready again; the service"
                + " is ./keel start (supervisor, AOT cache trained before the load); a request counts in the window "
                + "in which it ended");
        return combined.write(NAME, options, headlines, options.out());
    }

    /** SIGKILLs the first ready worker; returns once status.json lists every slot ready without it. */
    private static Replacement killOneWorker(SupervisedRun run) {
        List<Long> ready = run.readyPids();
        if (ready.isEmpty()) {
            throw new BenchException("no ready worker to kill: " + run.service().workers());
        }
        long victim = ready.getFirst();
        SupervisedService.kill(victim);
        long killed = System.nanoTime();
        long deadline = System.nanoTime() + EventRun.MAX_EVENT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> now = run.readyPids();
            if (now.size() == run.workers() && !now.contains(victim)) {
                Optional<SupervisedService.ReadyLine> line = run.service().readyLines().stream()
                        .filter(r -> now.contains(r.pid()) && !ready.contains(r.pid())).reduce((a, b) -> b);
                return new Replacement(victim, killed, now, line.map(SupervisedService.ReadyLine::readyMs).orElse(-1L),
                        line.map(SupervisedService.ReadyLine::warm).orElse(false));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for the replacement of worker " + victim, e);
            }
        }
        throw new BenchException("no replacement of worker " + victim + " was ready within " + EventRun.MAX_EVENT
                + "; status: " + run.service().workers());
    }
}
