package io.keel.bench.load;

/**
 * Closed-loop peak throughput of one request class. Its latencies come from a closed loop and understate stalls;
 * they are context, not the latency result. Immutable.
 *
 * @param tool     "wrk" or "closed-loop java", with connection count
 * @param errors   non-2xx/3xx answers plus socket errors
 */
public record PeakResult(String requestClass, String tool, double requestsPerSec, long requests, long errors,
                         double p50Ms, double p99Ms, double seconds) {
}
