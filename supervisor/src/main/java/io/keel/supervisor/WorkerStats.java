package io.keel.supervisor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One worker's figures for {@code ./keel status}, read from its {@code /api/stats} (the dashboard's snapshot; rates
 * and percentiles cover its last ~10 s). A figure the worker does not report is {@code NaN}. Immutable.
 *
 * @param heapUsedBytes     heap in use now
 * @param heapAfterGcBytes  live data after the last collection ({@code jvm.gc.live.data.size}): what memory
 *                          recycling compares with its limit, since heap in use grows and falls with garbage
 * @param requestsPerSecond HTTP requests completed per second
 * @param p99Ms             99th percentile HTTP latency
 * @param schedulerLagP99Ms 99th percentile virtual-thread scheduler lag
 */
record WorkerStats(double heapUsedBytes, double heapAfterGcBytes, double requestsPerSecond, double p99Ms,
                   double schedulerLagP99Ms) {
    static final WorkerStats NONE = new WorkerStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static WorkerStats from(JsonNode stats) {
        return new WorkerStats(number(stats.path("memory").path("heapUsedBytes")),
                number(stats.path("memory").path("liveDataAfterGcBytes")),
                number(stats.path("http").path("requestsPerSecond")),
                number(stats.path("http").path("latencyP99Ms")),
                number(stats.path("scheduler").path("lagP99Ms")));
    }

    private static double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : Double.NaN;
    }
}
