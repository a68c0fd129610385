package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a phase measured the service or the load generator. An open-loop phase whose requests left late (dispatch
 * lag) or were never sent (client overflow) beyond the thresholds measured an overloaded client: its figures are
 * reported as n/a, the phase is marked invalid in the report and on the console, and the command exits non-zero.
 * Immutable.
 *
 * @param checked false for a phase nobody judged yet
 * @param reasons why the phase is invalid; empty when valid
 */
public record Validity(boolean checked, List<String> reasons) {
    public static final Validity UNCHECKED = new Validity(false, List.of());

    public Validity {
        reasons = List.copyOf(reasons);
    }

    public boolean valid() {
        return reasons.isEmpty();
    }

    /**
     * Thresholds. Immutable.
     *
     * @param maxDispatchLagP99Ms largest allowed 99th percentile of dispatch lag (default 10 ms)
     * @param maxDispatchLagMs    largest allowed single dispatch lag (default 50 ms): tens of ms mean the client
     *                            stalled, and every latency of that moment includes the stall
     * @param maxOverflowShare    largest allowed share of scheduled requests never sent (default 0.001 = 0.1%)
     */
    public record Rules(double maxDispatchLagP99Ms, double maxDispatchLagMs, double maxOverflowShare) {
        public static final Rules DEFAULTS = new Rules(10, 50, 0.001);

        public Rules {
            if (!(maxDispatchLagP99Ms > 0) || !(maxDispatchLagMs > 0) || !(maxOverflowShare >= 0
                    && maxOverflowShare <= 1)) {
                throw new BenchException("validity thresholds: lag limits must be > 0 ms and the overflow share in "
                        + "0..1, got " + maxDispatchLagP99Ms + ", " + maxDispatchLagMs + ", " + maxOverflowShare);
            }
        }
    }

    /** Judges one phase. Closed-loop phases (no dispatch lag recorded) are judged by overflow only. */
    public static Validity check(PhaseResult p, Rules rules) {
        return new Validity(true, reasons(p.maxDispatchLagMs(), p.p99DispatchLagMs(), overflowShare(p), rules));
    }

    /** The reasons a phase with these figures is invalid; {@code p99LagMs} NaN when unknown (old reports). */
    public static List<String> reasons(double maxLagMs, double p99LagMs, double overflowShare, Rules rules) {
        List<String> out = new ArrayList<>();
        if (p99LagMs > rules.maxDispatchLagP99Ms()) {
            out.add(String.format(Locale.ROOT, "p99 dispatch lag %.1f ms > %.1f ms: the load generator fell behind",
                    p99LagMs, rules.maxDispatchLagP99Ms()));
        }
        if (maxLagMs > rules.maxDispatchLagMs()) {
            out.add(String.format(Locale.ROOT, "max dispatch lag %.1f ms > %.1f ms: the load generator stalled",
                    maxLagMs, rules.maxDispatchLagMs()));
        }
        if (overflowShare > rules.maxOverflowShare()) {
            out.add(String.format(Locale.ROOT, "%.2f%% of scheduled requests never sent (limit %.2f%%)",
                    overflowShare * 100, rules.maxOverflowShare() * 100));
        }
        return out;
    }

    static double overflowShare(PhaseResult p) {
        long scheduled = p.classes().stream().mapToLong(ClassResult::scheduled).sum();
        long never = p.classes().stream().mapToLong(c -> c.errors().getOrDefault(
                ErrorKind.CLIENT_OVERFLOW.label(), 0L)).sum();
        return scheduled == 0 ? 0 : (double) never / scheduled;
    }
}
