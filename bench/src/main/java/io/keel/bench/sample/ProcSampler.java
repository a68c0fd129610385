package io.keel.bench.sample;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads memory and CPU of a process and all its descendants from Linux /proc: RSS from {@code status} (VmRSS),
 * CPU from {@code stat} (utime + stime, in clock ticks of 1/100 s, the USER_HZ of every mainstream kernel),
 * children from {@code task/<tid>/children}. Processes that exit during a walk are skipped. At most 1,000
 * processes per tree. Stateless apart from the /proc root (a parameter so tests can point it at a fake tree).
 */
public final class ProcSampler {
    static final int MAX_PROCESSES = 1_000;
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path proc;

    public ProcSampler(Path proc) {
        this.proc = proc;
    }

    public static ProcSampler system() {
        return new ProcSampler(Path.of("/proc"));
    }

    /** Totals for the tree rooted at {@code pid}; empty when the root process does not exist (or no /proc). */
    public Optional<TreeSnapshot> sample(long pid) {
        if (!Files.isDirectory(proc.resolve(Long.toString(pid)))) {
            return Optional.empty();
        }
        return Optional.of(sample(List.of(pid)));
    }

    /** Totals over the trees of those of {@code pids} that still run; empty when none does. */
    public Optional<TreeSnapshot> sampleAlive(Collection<Long> pids) {
        List<Long> alive = pids.stream().filter(p -> Files.isDirectory(proc.resolve(Long.toString(p)))).toList();
        return alive.isEmpty() ? Optional.empty() : Optional.of(sample(alive));
    }

    /** Totals over the union of the trees rooted at {@code pids}: a process in two trees counts once. */
    public TreeSnapshot sample(Collection<Long> pids) {
        Set<Long> seen = new LinkedHashSet<>();
        Deque<Long> todo = new ArrayDeque<>(pids);
        long rss = 0;
        double cpu = 0;
        while (!todo.isEmpty() && seen.size() < MAX_PROCESSES) {
            long p = todo.poll();
            if (!seen.add(p)) {
                continue;
            }
            Path dir = proc.resolve(Long.toString(p));
            rss += rssBytes(dir);
            cpu += cpuSeconds(dir);
            todo.addAll(children(dir));
        }
        return new TreeSnapshot(seen.size(), rss, cpu);
    }

    /** Totals of one process tree at one instant. Immutable. */
    public record TreeSnapshot(int processes, long rssBytes, double cpuSeconds) {
    }

    static long rssBytes(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+", -1);
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Exited during the walk, or a kernel thread without VmRSS.
        }
        return 0;
    }

    static double cpuSeconds(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+", -1);
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Set<Long> children(Path dir) {
        Set<Long> out = new LinkedHashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
            for (Path task : tasks) {
                String text = Files.readString(task.resolve("children")).trim();
                if (!text.isEmpty()) {
                    for (String c : text.split("\\s+", -1)) {
                        out.add(Long.parseLong(c));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Process or thread gone: its children are found through the next sample.
        }
        return out;
    }
}
