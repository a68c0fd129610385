package io.keel.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which implementation of a feature with a fast path is active: a native library, a kernel on the JDK's Vector API,
 * or the plain Java fallback used when neither can run on this platform. Immutable. {@link #report} makes the choice
 * visible once at start: one log line and the gauge {@code keel_native_library{feature,path}} = 1.
 *
 * @param feature short name of the feature, such as {@code argon2}
 * @param path {@code native}, {@code vector} or {@code java}, the value of the gauge's {@code path} tag
 * @param detail what was loaded, or why no fast path could be
 */
public record NativePath(String feature, String path, String detail) {

    private static final Logger LOG = LoggerFactory.getLogger(NativePath.class);

    public static NativePath loaded(String feature, String detail) {
        return new NativePath(feature, "native", detail);
    }

    public static NativePath vector(String feature, String detail) {
        return new NativePath(feature, "vector", detail);
    }

    public static NativePath fallback(String feature, Throwable why) {
        return fallback(feature, "native library unavailable: " + why);
    }

    public static NativePath fallback(String feature, String why) {
        return new NativePath(feature, "java", why);
    }

    /** Whether a fast path (native or vector) is in use rather than the plain Java fallback. */
    public boolean accelerated() {
        return !path.equals("java");
    }

    /** Logs the choice and registers the gauge; call once per feature and registry. */
    public void report(MeterRegistry registry) {
        if (accelerated()) {
            LOG.info("{}: {} path ({})", feature, path, detail);
        } else {
            LOG.warn("{}: pure-Java fallback path ({})", feature, detail);
        }
        Gauge.builder("keel.native.library", () -> 1)
                .description("1 for the implementation in use per feature: path=native, vector or the pure-Java "
                        + "fallback")
                .tag("feature", feature)
                .tag("path", path())
                .register(registry);
    }
}
