package io.keel.runtime.memory;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/** Reads a HotSpot option's effective value ({@code -XX:} flags), for logs and limit gauges. Stateless. */
public final class VmOptions {
    private VmOptions() {
    }

    /** The option's value as the JVM prints it, or "unknown" on a JVM without it. */
    public static String value(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return "unknown";
        }
    }

    /** Direct buffer ceiling in bytes: {@code MaxDirectMemorySize}, which 0 means "the max heap". */
    public static long maxDirectMemory() {
        try {
            long value = Long.parseLong(value("MaxDirectMemorySize"));
            return value > 0 ? value : Runtime.getRuntime().maxMemory();
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().maxMemory();
        }
    }
}
