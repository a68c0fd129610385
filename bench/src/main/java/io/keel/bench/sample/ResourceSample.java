package io.keel.bench.sample;

/**
 * The service's resources at one instant. A figure that could not be read is {@code NaN} (written to JSON as the
 * string "NaN"): e.g. RSS when the service's pid is unknown and its /metrics has no process RSS. Immutable.
 *
 * @param second           seconds since sampling started
 * @param phase            the benchmark phase running at that moment
 * @param rssBytes         resident memory of the whole process tree
 * @param cpuPercent       CPU use of the tree since the previous sample, 100 = one core
 * @param heapUsedBytes    {@code jvm_memory_used_bytes{area="heap"}} summed over pools
 * @param schedulerLagMs   {@code keel_scheduler_lag_seconds} (or its {@code _max}) in ms
 * @param cpuPoolActive    {@code keel_cpu_pool_active}
 * @param cpuPoolQueued    {@code keel_cpu_pool_queued}
 * @param cpuPoolRejected  {@code keel_cpu_pool_rejected_total}
 * @param dbActive         {@code hikaricp_connections_active} summed over pools
 */
public record ResourceSample(double second, String phase, double rssBytes, double cpuPercent, double heapUsedBytes,
                             double schedulerLagMs, double cpuPoolActive, double cpuPoolQueued,
                             double cpuPoolRejected, double dbActive) {
}
