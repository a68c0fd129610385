package io.keel.bench.scenario;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.report.Headline;

import java.util.List;
import java.util.Map;

/**
 * Figures and headlines shared by scenarios 6 and 7: per window and class the failed requests and p99, failures
 * split around the event, the lost-order check, and "p99 during vs before" headlines. Stateless.
 */
final class WindowFigures {
    private WindowFigures() {
    }

    /**
     * Records every window's per-class figures, and the failures split around {@code eventNanos} (the moment that
     * matters: the SIGKILL, the reload request), as {@code <prefix>-...} figures.
     */
    static void record(ScenarioContext ctx, String prefix, EventRun.Windows<?> w, Ledger ledger, long eventNanos) {
        for (PhaseResult p : w.phases()) {
            for (ClassResult c : p.classes()) {
                ctx.figure(p.name() + "-" + c.name() + "-failed", (double) c.errorCount());
                ctx.figure(p.name() + "-" + c.name() + "-p99-ms", p.valid() ? c.latency().p99Ms() : Double.NaN);
            }
        }
        Map<String, Ledger.Split> split = Ledger.split(ledger.failures(), eventNanos);
        split.forEach((c, s) -> {
            ctx.figure(prefix + "-" + c + "-failed-before-event", (double) s.before());
            ctx.figure(prefix + "-" + c + "-failed-in-flight-at-event", (double) s.inFlight());
            ctx.figure(prefix + "-" + c + "-failed-sent-after-event", (double) s.after());
        });
        ctx.figure(prefix + "-event-ms", w.eventMs());
        ctx.figure(prefix + "-acknowledged-orders", (double) ledger.acknowledged().size());
        if (!ledger.samples().isEmpty()) {
            ctx.note(prefix + ": failures by class and kind, with the first answer's body: "
                    + String.join(" | ", ledger.samples()));
        }
        if (ledger.dropped() > 0) {
            ctx.note(prefix + ": " + ledger.dropped() + " failures beyond the ledger's bound are counted without times");
        }
        if (ledger.unreadable() > 0) {
            ctx.note(prefix + ": " + ledger.unreadable() + " order answers were 201 without an id in the body");
        }
    }

    static long failed(EventRun.Windows<?> w) {
        return w.phases().stream().flatMap(p -> p.classes().stream()).mapToLong(ClassResult::errorCount).sum();
    }

    static long sent(EventRun.Windows<?> w) {
        return w.phases().stream().flatMap(p -> p.classes().stream()).mapToLong(ClassResult::scheduled).sum();
    }

    /** p99 of {@code className} in the during window against the before window. */
    static Headline p99DuringVsBefore(EventRun.Windows<?> w, String className, String event, String db) {
        PhaseResult before = w.before();
        PhaseResult during = w.during();
        return Headline.of(className + " p99 during " + event + ", " + db,
                during.get(className).latency().p99Ms(), "ms", "before it", before.get(className).latency().p99Ms(),
                "1.0 = the event costs this class nothing; lower is better")
                .validIf(before.valid() && during.valid(), "load generator overloaded, see the phases");
    }

    /** Acknowledged orders the service does not have afterwards, over those acknowledged; the spec requires 0. */
    static Headline lost(String what, LostOrders.Result r) {
        return Headline.of("acknowledged orders missing after " + what, (double) (r.missing().size() + r.unknown().size()),
                "orders", "acknowledged (201)", (double) r.checked(), "share lost; the spec requires 0 (unknown answers count "
                        + "as lost)");
    }

    static void note(ScenarioContext ctx, String what, LostOrders.Result r) {
        ctx.note(what + ": " + r.checked() + " acknowledged orders read back, " + r.missing().size() + " missing"
                + (r.missing().isEmpty() ? "" : " " + r.missing().stream().limit(10).toList()) + ", "
                + r.unknown().size() + " without a clear answer" + (r.unknown().isEmpty() ? ""
                : " " + r.unknown().stream().limit(10).toList()));
    }

    static List<String> classes(EventRun.Windows<?> w) {
        return w.before().classes().stream().map(ClassResult::name).toList();
    }
}
