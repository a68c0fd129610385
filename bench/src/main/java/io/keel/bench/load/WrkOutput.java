package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parser of wrk's text output (with {@code --latency}). Stateless. */
public final class WrkOutput {
    private static final Pattern RPS = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(?m)^\\s*(\\d+) requests in ([0-9.]+)(us|ms|s|m|h)");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private WrkOutput() {
    }

    /** Parses wrk's stdout into a {@link PeakResult}; throws naming what was missing when it is not wrk output. */
    public static PeakResult parse(String requestClass, String tool, String out) {
        Matcher rps = RPS.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rps.find() || !total.find()) {
            throw new BenchException("could not find 'Requests/sec' and 'N requests in T' in wrk output:\n" + out);
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return PeakResult.of(requestClass, tool, Double.parseDouble(rps.group(1)), Long.parseLong(total.group(1)),
                errors, percentileMs(out, "50"), percentileMs(out, "99"),
                toMs(Double.parseDouble(total.group(2)), total.group(3)) / 1000.0);
    }

    private static double percentileMs(String out, String percentile) {
        Matcher m = Pattern.compile("(?m)^\\s*" + percentile + "(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m|h)").matcher(out);
        return m.find() ? toMs(Double.parseDouble(m.group(1)), m.group(2)) : Double.NaN;
    }

    static double toMs(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000.0;
            case "ms" -> value;
            case "s" -> value * 1000.0;
            case "m" -> value * 60_000.0;
            case "h" -> value * 3_600_000.0;
            default -> throw new BenchException("unknown wrk time unit '" + unit + "'");
        };
    }
}
