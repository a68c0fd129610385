package io.keel.bench.load;

/**
 * Closed-loop peak throughput of one request class. Its latencies come from a closed loop and understate stalls;
 * they are context, not the latency result. Immutable.
 *
 * @param tool                  "wrk" or "closed-loop java", with connection count
 * @param requestsPerSec        every answer per second, non-2xx included (wrk's own figure)
 * @param errors                non-2xx/3xx answers plus socket errors
 * @param okPerSec              1xx..3xx answers per second: the figure headlines use, for wrk and Java alike
 * @param serviceCpuSeconds     CPU time the service's process tree used during the measurement (NaN: pid unknown)
 * @param okPerServiceCpuSecond ok answers per CPU-second of the service: the peak with the client's share of the
 *                              cores taken out (client and service share the machine)
 */
public record PeakResult(String requestClass, String tool, double requestsPerSec, long requests, long errors,
                         double p50Ms, double p99Ms, double seconds, double okPerSec, double serviceCpuSeconds,
                         double okPerServiceCpuSecond) {
    /** A result before the service's CPU time is known. */
    public static PeakResult of(String requestClass, String tool, double requestsPerSec, long requests, long errors,
                                double p50Ms, double p99Ms, double seconds) {
        double ok = seconds > 0 ? Math.max(0, requests - errors) / seconds : Double.NaN;
        return new PeakResult(requestClass, tool, requestsPerSec, requests, errors, p50Ms, p99Ms, seconds, ok,
                Double.NaN, Double.NaN);
    }

    /** This result with the service's CPU seconds over the measurement. */
    public PeakResult withServiceCpu(double cpuSeconds) {
        double perCpu = cpuSeconds > 0 ? okPerSec * seconds / cpuSeconds : Double.NaN;
        return new PeakResult(requestClass, tool, requestsPerSec, requests, errors, p50Ms, p99Ms, seconds, okPerSec,
                cpuSeconds, perCpu);
    }
}
