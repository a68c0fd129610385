package io.keel.bench.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongToDoubleFunction;

/**
 * One process's memory from {@code /proc/<pid>/status}: current RSS (VmRSS), its file-mapped part (RssFile) and
 * the kernel's high-water mark of
 * RSS since the process started (VmHWM), which catches peaks between two 1 s samples. NaN when unreadable (process
 * gone, not Linux). Stateless.
 */
public final class ProcStatus {
    private ProcStatus() {
    }

    public static double rssBytes(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /**
     * The resident pages mapped from files (RssFile): the JDK's and the libraries' code and the CDS archive, which the
     * kernel can drop and read again, and which cannot grow past the mapped files' size.
     */
    public static double fileRssBytes(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "RssFile:");
    }

    public static double peakRssBytes(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "VmHWM:");
    }

    /** Sum of VmRSS over the process and its descendants; NaN if gone. */
    public static double treeRssBytes(long pid) {
        return tree(pid, ProcStatus::rssBytes);
    }

    /** Sum of VmHWM over the process and its descendants (a Node cluster is several processes); NaN if gone. */
    public static double treePeakRssBytes(long pid) {
        return tree(pid, ProcStatus::peakRssBytes);
    }

    private static double tree(long pid, LongToDoubleFunction f) {
        double own = f.applyAsDouble(pid);
        if (Double.isNaN(own)) {
            return own;
        }
        return own + ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                .mapToDouble(h -> f.applyAsDouble(h.pid())).filter(v -> !Double.isNaN(v)).sum();
    }

    /** The kB value of {@code name} in a status file, in bytes. */
    static double field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+", -1)[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone or not Linux: not available.
        }
        return Double.NaN;
    }
}
