package io.keel.bench.report;

import io.keel.bench.load.ClassResult;
import io.keel.bench.load.PeakResult;
import io.keel.bench.load.PhaseResult;
import io.keel.bench.sample.ResourceSample;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders a {@link BenchReport} as Markdown for people. Stateless. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    public static String render(BenchReport r, List<String> plots) {
        StringBuilder md = new StringBuilder();
        md.append("# Keel benchmark: ").append(r.scenario()).append("\n\n");
        md.append("- started: ").append(r.startedAt()).append('\n');
        md.append("- git commit: `").append(r.gitCommit()).append("`\n");
        md.append("- command: `").append(r.commandLine()).append("`\n");
        MachineInfo m = r.machine();
        md.append("- machine: ").append(m.cores()).append(" cores, ").append(mb(m.memTotalBytes()))
                .append(" MB RAM, ").append(String.format(Locale.ROOT, "%.2f", m.freshPageMicros()))
                .append(" µs per fresh 4 KiB page (a page fault's price here; compare runs only where it is similar); ")
                .append(m.kernel()).append('\n');
        md.append("- JDK: ").append(m.jdk()).append("; bench JVM flags: `").append(m.benchJvmFlags())
                .append("`; service JVM flags: `").append(m.serviceJvmFlags()).append("`\n\n");

        if (!r.invalid().isEmpty()) {
            md.append("## INVALID phases\n\nThe tool marked these phases invalid: the load generator, not the "
                    + "service, limited them. Their figures are n/a in the headlines.\n\n");
            r.invalid().forEach(i -> md.append("- **").append(i).append("**\n"));
            md.append('\n');
        }
        if (!r.comparisons().isEmpty()) {
            md.append("## Keel against the reference service (same invocation, same machine)\n\n");
            md.append("| figure | Keel | reference | Keel ÷ reference | how to read |\n|---|---:|---:|---:|---|\n");
            r.comparisons().forEach(c -> md.append("| ").append(c.name()).append(" | ").append(num(c.keel()))
                    .append(' ').append(c.unit()).append(" | ").append(num(c.reference())).append(' ')
                    .append(c.unit()).append(" | **").append(num(c.ratio())).append("** | ").append(c.direction())
                    .append(" |\n"));
            md.append('\n');
        }
        if (!r.headlines().isEmpty()) {
            md.append("## Headlines (ratios against a reference measured in this run)\n\n");
            md.append("| figure | value | reference | reference value | ratio | how to read |\n");
            md.append("|---|---:|---|---:|---:|---|\n");
            r.headlines().forEach(h -> md.append("| ").append(h.name()).append(" | ").append(num(h.value()))
                    .append(' ').append(h.unit()).append(" | ").append(h.reference()).append(" | ")
                    .append(num(h.referenceValue())).append(' ').append(h.unit()).append(" | **")
                    .append(num(h.ratio())).append("** | ").append(h.meaning()).append(" |\n"));
            md.append('\n');
        }
        String instances = InstanceTable.render(r.figures());
        if (!instances.isEmpty()) {
            md.append("## By instance count\n\n").append(instances);
        }
        if (!r.peaks().isEmpty()) {
            md.append("## Closed-loop peak throughput\n\n| class | tool | ok/s | all answers/s | requests | "
                    + "non-2xx + socket errors | service CPU s | ok per service CPU-s | p50 ms | "
                    + "p99 ms (closed loop, hides stalls) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (PeakResult p : r.peaks()) {
                md.append("| ").append(p.requestClass()).append(" | ").append(p.tool()).append(" | ")
                        .append(num(p.okPerSec())).append(" | ").append(num(p.requestsPerSec())).append(" | ")
                        .append(p.requests()).append(" | ").append(p.errors()).append(" | ")
                        .append(num(p.serviceCpuSeconds())).append(" | ").append(num(p.okPerServiceCpuSecond()))
                        .append(" | ").append(num(p.p50Ms())).append(" | ").append(num(p.p99Ms())).append(" |\n");
            }
            md.append('\n');
        }
        for (PhaseResult p : r.phases()) {
            md.append("## Phase `").append(p.name()).append("`").append(p.valid() ? "" : " — INVALID")
                    .append(" (").append(p.tool()).append(", ").append(num(p.seconds()))
                    .append(" s, dispatch lag p99 ").append(num(p.p99DispatchLagMs())).append(" ms, max ")
                    .append(num(p.maxDispatchLagMs())).append(" ms)\n\n");
            if (!p.valid()) {
                md.append("**Invalid:** ").append(String.join("; ", p.validity().reasons()))
                        .append(". Its latencies measure the load generator; they are not results.\n\n");
            }
            if (!p.stall().describe().isEmpty()) {
                md.append("Generator: ").append(p.stall().describe()).append(".\n\n");
            }
            md.append("Percentiles over every scheduled request (never sent or timed out = at least the timeout);"
                    + " \"ok p50/p99\" over successful answers only.\n\n");
            md.append("| class | scheduled | completed | ok | ok/s | p50 ms | p99 ms | p99.9 ms | max ms | ok p50 ms | "
                    + "ok p99 ms | errors | statuses |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
            for (ClassResult c : p.classes()) {
                md.append("| ").append(c.name()).append(c.routeMissing() ? " (route missing: all 404)" : "")
                        .append(" | ").append(c.scheduled()).append(" | ").append(c.completed()).append(" | ")
                        .append(c.ok()).append(" | ")
                        .append(num(c.throughputPerSec())).append(" | ").append(num(c.latency().p50Ms()))
                        .append(" | ").append(num(c.latency().p99Ms())).append(" | ")
                        .append(num(c.latency().p999Ms())).append(" | ").append(num(c.latency().maxMs()))
                        .append(" | ").append(num(c.latencyOk().p50Ms())).append(" | ")
                        .append(num(c.latencyOk().p99Ms()))
                        .append(" | ").append(pairs(c.errors())).append(" | ").append(pairs(c.statuses()))
                        .append(" |\n");
            }
            md.append('\n');
        }
        if (!r.figures().isEmpty()) {
            md.append("## Other figures\n\n| figure | value |\n|---|---:|\n");
            new TreeMap<>(r.figures()).forEach((k, v) -> md.append("| ").append(k).append(" | ").append(num(v))
                    .append(" |\n"));
            md.append('\n');
        }
        md.append("## Resources of the service\n\n");
        if (r.resources().isEmpty() && !r.comparisons().isEmpty()) {
            md.append("In each service's own report (see the notes).\n\n");
        } else if (r.resources().isEmpty()) {
            md.append("No samples (no pid and no /metrics).\n\n");
        } else {
            md.append("| peak RSS MB | peak heap MB | max scheduler lag ms | max CPU % | max CPU-pool queued |\n")
                    .append("|---:|---:|---:|---:|---:|\n| ")
                    .append(num(r.peak(ResourceSample::rssBytes) / 1e6)).append(" | ")
                    .append(num(r.peak(ResourceSample::heapUsedBytes) / 1e6)).append(" | ")
                    .append(num(r.peak(ResourceSample::schedulerLagMs))).append(" | ")
                    .append(num(r.peak(ResourceSample::cpuPercent))).append(" | ")
                    .append(num(r.peak(ResourceSample::cpuPoolQueued))).append(" |\n\n");
        }
        if (!r.notes().isEmpty()) {
            md.append("## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        if (!plots.isEmpty()) {
            md.append("## Plots\n\n");
            plots.forEach(p -> md.append("![").append(p).append("](").append(p).append(")\n"));
        }
        return md.toString();
    }

    public static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String mb(long bytes) {
        return Long.toString(bytes / (1024 * 1024));
    }

    private static String pairs(Map<String, Long> m) {
        return m.isEmpty() ? "-" : m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
