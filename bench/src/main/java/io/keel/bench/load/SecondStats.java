package io.keel.bench.load;

/**
 * Requests of one class that completed during one second of a phase, for the time-series plots. Immutable.
 *
 * @param second seconds since the phase started (the interval ending at this second)
 * @param count  completed requests in that second (= throughput per second)
 */
public record SecondStats(int second, long count, double p50Ms, double p99Ms, double maxMs) {
}
