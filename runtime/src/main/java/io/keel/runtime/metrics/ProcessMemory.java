package io.keel.runtime.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads this process's memory figures from {@code /proc/self/status}. Values are NaN where /proc is absent.
 * Thread-safe; each read is one small file read.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Resident set size in bytes (VmRSS). */
    public double residentBytes() {
        return field("VmRSS:");
    }

    /** Virtual size in bytes (VmSize). */
    public double virtualBytes() {
        return field("VmSize:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+", -1);
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
