package io.keel.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which implementation of a feature with an optional native library is active: the native one, or the pure-Java
 * fallback used when the library cannot load on this platform. Immutable. {@link #report} makes the choice visible
 * once at start: one log line and the gauge {@code keel_native_library{feature,path}} = 1.
 *
 * @param feature short name of the feature, such as {@code argon2}
 * @param nativeActive whether the native library is in use
 * @param detail what was loaded, or why the native library could not be
 */
public record NativePath(String feature, boolean nativeActive, String detail) {

    private static final Logger LOG = LoggerFactory.getLogger(NativePath.class);

    public static NativePath loaded(String feature, String detail) {
        return new NativePath(feature, true, detail);
    }

    public static NativePath fallback(String feature, Throwable why) {
        return new NativePath(feature, false, "native library unavailable: " + why);
    }

    /** {@code native} or {@code java}, the value of the gauge's {@code path} tag. */
    public String path() {
        return nativeActive ? "native" : "java";
    }

    /** Logs the choice and registers the gauge; call once per feature and registry. */
    public void report(MeterRegistry registry) {
        if (nativeActive) {
            LOG.info("{}: native path ({})", feature, detail);
        } else {
            LOG.warn("{}: pure-Java fallback path ({})", feature, detail);
        }
        Gauge.builder("keel.native.library", () -> 1)
                .description("1 for the implementation in use per feature: path=native or the pure-Java fallback")
                .tag("feature", feature)
                .tag("path", path())
                .register(registry);
    }
}
