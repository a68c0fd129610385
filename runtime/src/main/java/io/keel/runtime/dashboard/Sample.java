package io.keel.runtime.dashboard;

import io.micrometer.core.instrument.Timer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cumulative counts read at one instant; two samples give rates and windowed percentiles. A count whose meter is
 * absent reads as 0 here (the stats report it as null through {@link MeterReader} directly). Immutable.
 *
 * @param nanos             when it was taken, {@link System#nanoTime()} scale
 * @param requests          HTTP requests completed (dashboard polling excluded)
 * @param serverErrors      of those, answered 5xx
 * @param clientErrors      of those, answered 4xx
 * @param shed              requests refused by load shedding
 * @param cpuRejected       CPU pool tasks that never ran
 * @param gcPauseSeconds    time spent in GC pauses
 * @param sseDropped        SSE clients dropped for being too slow
 * @param figures           the registered figures' cumulative readings by name (see {@link Figures#sample})
 * @param latency           HTTP latency buckets (dashboard polling excluded)
 * @param schedulerLag      scheduler lag buckets
 */
record Sample(long nanos, double requests, double serverErrors, double clientErrors, double shed, double cpuRejected,
              double gcPauseSeconds, double sseDropped, Map<String, Object> figures, Histogram latency,
              Histogram schedulerLag) {

    /** Routes left out of the HTTP figures: the dashboard's own polling would otherwise show as traffic. */
    static final List<String> EXCLUDED_ROUTES = List.of(Dashboard.STATS_PATH);

    static Sample take(MeterReader meters, Figures figures, long nanos) {
        Collection<Timer> http = meters.timersExcept("http.server.requests", "route", EXCLUDED_ROUTES);
        double requests = 0;
        double serverErrors = 0;
        double clientErrors = 0;
        for (Timer timer : http) {
            requests += timer.count();
            String outcome = timer.getId().getTag("outcome");
            if ("SERVER_ERROR".equals(outcome)) {
                serverErrors += timer.count();
            } else if ("CLIENT_ERROR".equals(outcome)) {
                clientErrors += timer.count();
            }
        }
        double gcPause = 0;
        for (Timer pause : meters.timers("jvm.gc.pause")) {
            gcPause += pause.totalTime(TimeUnit.SECONDS);
        }
        return new Sample(nanos, requests, serverErrors, clientErrors,
                meters.count("keel.requests.shed").orElse(0),
                meters.count("keel.cpu.pool.rejected").orElse(0),
                gcPause,
                meters.count("keel.sse.dropped").orElse(0),
                figures.sample(),
                Histogram.merge(http),
                Histogram.merge(meters.timers("keel.scheduler.lag")));
    }

    double seconds(Sample earlier) {
        return (nanos - earlier.nanos) / 1e9;
    }
}
