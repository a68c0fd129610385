package io.keel.runtime.http;

import org.slf4j.Logger;

/**
 * Lets through at most {@code perSecond} log lines of one kind per second and reports how many it held back when
 * the next second starts, so a flood of identical events (load shedding) costs almost nothing while it lasts and
 * still shows in the log. Thread-safe; one lock per call, held for a few instructions.
 */
final class LogSampler {
    private final Logger log;
    private final String what;
    private final int perSecond;
    private long windowSecond;
    private int logged;
    private long suppressed;

    LogSampler(Logger log, String what, int perSecond) {
        this.log = log;
        this.what = what;
        this.perSecond = perSecond;
    }

    /** True when the caller should log this event. */
    boolean tryLog() {
        long held;
        boolean allowed;
        synchronized (this) {
            long second = System.nanoTime() / 1_000_000_000L;
            held = 0;
            if (second != windowSecond) {
                held = suppressed;
                windowSecond = second;
                logged = 0;
                suppressed = 0;
            }
            allowed = logged < perSecond;
            if (allowed) {
                logged++;
            } else {
                suppressed++;
            }
        }
        if (held > 0) {
            log.info("{} more {} were not logged in the previous second (see keel_requests_shed_total and "
                    + "http_server_requests_seconds)", held, what);
        }
        return allowed;
    }
}
