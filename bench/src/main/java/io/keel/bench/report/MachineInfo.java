package io.keel.bench.report;

import io.keel.bench.launch.Niceness;
import io.keel.bench.sample.FreshMemoryProbe;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The machine a run was measured on, so numbers are never read without their context. Immutable.
 *
 * @param memTotalBytes    from /proc/meminfo MemTotal; 0 when unreadable
 * @param kernel           /proc/version, else os.name + os.version
 * @param benchJvmFlags    heap/GC flags of the bench JVM itself and its nice value (the services run at 0)
 * @param serviceJvmFlags  flags of the service under test, as far as the tool knows them
 * @param freshPageMicros  what a never-touched 4 KiB page costs a process here ({@link FreshMemoryProbe})
 */
public record MachineInfo(int cores, long memTotalBytes, String kernel, String jdk, String benchJvmFlags,
                          String serviceJvmFlags, double freshPageMicros) {
    public static MachineInfo detect(String serviceJvmFlags) {
        String jdk = System.getProperty("java.vm.vendor", "?") + " " + Runtime.version();
        String flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xm") || a.startsWith("-Xs") || a.startsWith("-XX:"))
                .collect(Collectors.joining(" "));
        // The generator's priority over the services it starts (at nice 0) belongs to how the figures were taken.
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memTotal(), readKernel(), jdk,
                (flags.isEmpty() ? "(JVM defaults)" : flags) + ", nice " + Niceness.own(), serviceJvmFlags,
                FreshMemoryProbe.microsPerPage());
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: reported as 0.
        }
        return 0;
    }

    private static String readKernel() {
        try {
            return Files.readString(Path.of("/proc/version")).strip();
        } catch (IOException e) {
            return System.getProperty("os.name") + " " + System.getProperty("os.version");
        }
    }
}
