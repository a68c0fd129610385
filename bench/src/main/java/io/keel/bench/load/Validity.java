package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

        /**
         * The largest single dispatch lag of a phase judged on memory and failed requests, not on latency (the
         * soak): 1 s. The 50 ms limit protects latency figures, every one of which a stall enters; a soak reports
         * slopes of each minute's samples and counts failed requests, and a generator stall sends the requests of
         * its moment late but sends them all, so it moves neither. What such a phase must still show is that the mix
         * was delivered: no more requests never sent and no higher p99 lag than any phase, and no gap in the load
         * as long as the per-second series' own resolution.
         */
        public static final double MEMORY_PHASE_MAX_STALL_MS = 1_000;
        /** The scenarios whose phases are judged on memory: {@link #forScenario}. */
        private static final Set<String> MEMORY_SCENARIOS = Set.of("soak");

        public Rules {
            if (!(maxDispatchLagP99Ms > 0) || !(maxDispatchLagMs > 0) || !(maxOverflowShare >= 0
                    && maxOverflowShare <= 1)) {
                throw new BenchException("validity thresholds: lag limits must be > 0 ms and the overflow share in "
                        + "0..1, got " + maxDispatchLagP99Ms + ", " + maxDispatchLagMs + ", " + maxOverflowShare);
            }
        }

        /** These rules for a phase judged on memory and failed requests: a single stall up to 1 s is allowed. */
        public Rules forMemoryPhase() {
            return new Rules(maxDispatchLagP99Ms, Math.max(maxDispatchLagMs, MEMORY_PHASE_MAX_STALL_MS),
                    maxOverflowShare);
        }

        /** The rules the phases of {@code scenario} are judged by: the memory ones for the soak, else these. */
        public Rules forScenario(String scenario) {
            return MEMORY_SCENARIOS.contains(scenario) ? forMemoryPhase() : this;
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
