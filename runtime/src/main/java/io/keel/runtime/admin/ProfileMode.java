package io.keel.runtime.admin;

import io.keel.runtime.http.Params;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.util.Locale;

/**
 * What {@code POST /admin/profile?mode=} records, each on top of JFR's "profile" settings (CPU samples, locks, GC, I/O):
 * {@code cpu} (default) as is; {@code allocation} with allocation samples raised to 1000 per second; {@code leak}
 * with that and {@code jdk.OldObjectSample} keeping paths to GC roots, so objects allocated during the recording and
 * still alive at its end show who holds them (JMC's "Memory Leaks" page, or {@code jfr print --events OldObjectSample}).
 */
enum ProfileMode {
    CPU, ALLOCATION, LEAK;

    static ProfileMode parse(String text) {
        for (ProfileMode mode : values()) {
            if (mode.label().equals(text)) {
                return mode;
            }
        }
        throw Params.field("mode", "must be one of cpu, allocation, leak");
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A new, not yet started recording for this mode. */
    Recording recording() {
        Recording recording;
        try {
            recording = new Recording(Configuration.getConfiguration("profile"));
        } catch (IOException | ParseException e) {
            throw new UncheckedIOException("JFR's profile settings are missing from this JDK",
                    e instanceof IOException io ? io : new IOException(e));
        }
        if (this != CPU) {
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "1000/s").withStackTrace();
        }
        if (this == LEAK) {
            // cutoff bounds the search for paths to GC roots done when the recording stops; infinity = whole path
            recording.enable("jdk.OldObjectSample").withStackTrace().with("cutoff", "infinity");
        }
        return recording;
    }
}
