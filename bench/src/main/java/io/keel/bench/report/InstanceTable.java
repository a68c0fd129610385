package io.keel.bench.report;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table of scale-out: one column per instance count, one row per figure, from report figures named
 * {@code instances-<n>-<row>} ({@link #key}). Rendered into report.md and, from report.json, into
 * docs/benchmarks.md, so the published table comes from the report. Stateless.
 */
public final class InstanceTable {
    /** One row: the figure's key suffix, what it is, its unit. */
    public record Row(String key, String label, String unit) {
    }

    public static final List<Row> ROWS = List.of(
            new Row("peak-ok-per-sec", "closed-loop peak `GET /api/orders/{id}` through HAProxy", "req/s"),
            new Row("light-rate-per-sec", "light mix offered (open loop, the same for every column)", "req/s"),
            new Row("light-ok-per-sec", "light mix answered ok", "req/s"),
            new Row("light-p99-ms", "`GET /api/orders/{id}` p99 in the light mix", "ms"),
            new Row("store-cpu-us-per-request", "store CPU per ok light request, all instances together", "µs"),
            new Row("cpu-percent-per-instance", "CPU of each instance in the light mix, average (100 = one core)",
                    "%"),
            new Row("haproxy-cpu-us-per-request", "HAProxy CPU per ok light request", "µs"));
    private static final Pattern KEY = Pattern.compile("instances-(\\d+)-.*");

    private InstanceTable() {
    }

    /** The figure name of {@code row} measured with {@code instances} instances. */
    public static String key(int instances, String row) {
        return "instances-" + instances + "-" + row;
    }

    /** The Markdown table with a ratio column per count against the smallest; "" when no figure is an instance's. */
    public static String render(Map<String, Double> figures) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (String k : figures.keySet()) {
            Matcher m = KEY.matcher(k);
            if (m.matches()) {
                counts.add(Integer.parseInt(m.group(1)));
            }
        }
        if (counts.isEmpty()) {
            return "";
        }
        int base = counts.first();
        StringBuilder md = new StringBuilder("| figure |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int n : counts) {
            md.append(' ').append(n).append(n == 1 ? " instance |" : " instances |");
            rule.append("---:|");
        }
        for (int n : counts.tailSet(base, false)) {
            md.append(' ').append(n).append(" ÷ ").append(base).append(" |");
            rule.append("---:|");
        }
        md.append('\n').append(rule).append('\n');
        for (Row row : ROWS) {
            md.append("| ").append(row.label()).append(" |");
            for (int n : counts) {
                md.append(' ').append(MarkdownReport.num(value(figures, n, row))).append(' ').append(row.unit())
                        .append(" |");
            }
            for (int n : counts.tailSet(base, false)) {
                md.append(' ').append(MarkdownReport.num(value(figures, n, row) / value(figures, base, row)))
                        .append(" |");
            }
            md.append('\n');
        }
        return md.append('\n').toString();
    }

    private static double value(Map<String, Double> figures, int n, Row row) {
        Double v = figures.get(key(n, row.key()));
        return v == null ? Double.NaN : v;
    }
}
