package io.keel.bench.load;

import java.util.Locale;

/**
 * A phase's largest dispatch lag, when it happened, and what the generator's {@link HiccupMeter} saw: whether the
 * whole generator process stood still then (the machine, the hypervisor, a safepoint) or only its dispatch path.
 * Seconds count from the phase's start; NaN where unknown (a closed-loop phase, a report written before this).
 * Immutable.
 *
 * @param lagMs          the largest dispatch lag
 * @param lagAtSecond    when it was recorded
 * @param hiccupMs       the longest time the meter's 1 ms sleep overran
 * @param hiccupAtSecond when that pause ended
 * @param stealMs        the machine's steal time (CPU the hypervisor gave to other guests) over the one or two
 *                       seconds around that pause, in 10 ms steps
 */
public record Stall(double lagMs, double lagAtSecond, double hiccupMs, double hiccupAtSecond, double stealMs) {
    public static final Stall UNKNOWN = new Stall(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /**
     * The meter saw the process stop for at least half the lag, within a second of it: then the lag was a pause of
     * the whole generator process, not of its dispatch path.
     */
    public boolean wholeProcess() {
        return hiccupMs >= lagMs / 2 && Math.abs(hiccupAtSecond - lagAtSecond) <= 1;
    }

    /** One sentence for the console and the report; empty when nothing was measured. */
    public String describe() {
        if (Double.isNaN(lagAtSecond)) {
            return "";
        }
        String where = wholeProcess() ? "the whole generator process stood still (its hiccup meter, a thread "
                + "sleeping 1 ms at a time, overran by %.1f ms at second %.0f)"
                : "the generator's dispatch path, not the whole process (its hiccup meter's longest pause: %.1f ms "
                + "at second %.0f)";
        return String.format(Locale.ROOT, "largest dispatch lag %.1f ms at second %.0f: " + where
                + "; the machine's steal time around that pause: %s", lagMs, lagAtSecond, hiccupMs, hiccupAtSecond,
                Double.isNaN(stealMs) ? "unknown" : String.format(Locale.ROOT, "%.0f ms", stealMs));
    }
}
