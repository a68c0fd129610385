package io.keel.bench.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How much of the machine's CPU processes other than the service under test and the load generator used between
 * two readings: busy jiffies of {@code /proc/stat} minus the jiffies of the service's and the generator's process
 * trees (each counted once), as a share of all jiffies. A benchmark figure taken while others used a large share is
 * a figure of a shared machine, so every phase prints it at its start and end. Also how much file data the kernel
 * had to read back after dropping it from the page cache ({@code workingset_refault_file} of {@code /proc/vmstat}):
 * a machine that reclaims idle page cache (DAMON's proactive pageout on some VMs, memory pressure elsewhere) makes a
 * service's first reads after a pause go to the disk, for any service. Stateless apart from the /proc root.
 */
public final class MachineLoad {
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path proc;
    private final ProcSampler sampler;

    public MachineLoad(Path proc) {
        this.proc = proc;
        this.sampler = new ProcSampler(proc);
    }

    public static MachineLoad system() {
        return new MachineLoad(Path.of("/proc"));
    }

    /** Bytes per page in {@code /proc/vmstat}'s page counts. */
    private static final double PAGE_BYTES = 4096;

    /** CPU counters at one instant, in seconds, and file pages refaulted so far (NaN where unreadable). Immutable. */
    public record Reading(double totalSeconds, double busySeconds, double oursSeconds, double refaultedFilePages) {
        /** MB of file pages read back after the kernel had dropped them, between {@code earlier} and this reading. */
        public double refaultedMbSince(Reading earlier) {
            return (refaultedFilePages - earlier.refaultedFilePages) * PAGE_BYTES / 1e6;
        }

        /** Share (0..1) of all CPU time between {@code earlier} and this reading used by other processes. */
        public double otherShareSince(Reading earlier) {
            double total = totalSeconds - earlier.totalSeconds;
            if (!(total > 0)) {
                return Double.NaN;
            }
            double other = (busySeconds - earlier.busySeconds) - (oursSeconds - earlier.oursSeconds);
            return Math.max(0, Math.min(1, other / total));
        }
    }

    /** Reads the counters; {@code ours} are the roots of the service's and generator's process trees. */
    public Reading read(List<Long> ours) {
        double total = 0;
        double idle = 0;
        try {
            String[] f = cpuLine();
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        } catch (IOException | RuntimeException e) {
            return new Reading(Double.NaN, Double.NaN, Double.NaN, refaultedFilePages());
        }
        return new Reading(total / TICKS_PER_SECOND, (total - idle) / TICKS_PER_SECOND,
                sampler.sample(ours).cpuSeconds(), refaultedFilePages());
    }

    /**
     * The machine's steal jiffies so far (CPU time the hypervisor gave to other guests), -1 when unreadable: no
     * {@code /proc/stat}, or a kernel without the column. Cheap enough to read once a second.
     */
    public long stealJiffies() {
        try {
            String[] f = cpuLine();
            return f.length > 8 ? Long.parseLong(f[8]) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields of {@code /proc/stat}'s first line: cpu user nice system idle iowait irq softirq steal [guest...]. */
    private String[] cpuLine() throws IOException {
        return Files.readAllLines(proc.resolve("stat")).getFirst().trim().split("\\s+", -1);
    }

    private double refaultedFilePages() {
        try (var lines = Files.lines(proc.resolve("vmstat"))) {
            return lines.filter(l -> l.startsWith("workingset_refault_file ")).findFirst()
                    .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).orElse(Double.NaN);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** "12.3%" or "n/a". */
    public static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
