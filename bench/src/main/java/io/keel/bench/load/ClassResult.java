package io.keel.bench.load;

import java.util.List;
import java.util.Map;

/**
 * Everything measured for one request class in one phase. Immutable.
 *
 * @param completed        requests that got an answer or failed after being sent
 * @param ok               answers with status 1xx..3xx
 * @param errors           error counts by {@link ErrorKind#label()}
 * @param statuses         answer counts by exact HTTP status ("200", "404", "503")
 * @param latency          every request of the phase (answered, failed, timed out, never sent), measured from its
 *                         scheduled send time; never-sent and timed-out requests count as at least the timeout
 * @param latencyOk        successful answers only, for context next to {@link #latency}
 * @param throughputPerSec ok answers per second of phase time
 * @param series           one entry per second of the phase
 */
public record ClassResult(String name, long completed, long ok, Map<String, Long> errors, Map<String, Long> statuses,
                          LatencySummary latency, LatencySummary latencyOk, double throughputPerSec,
                          List<SecondStats> series) {
    public ClassResult {
        errors = Map.copyOf(errors);
        statuses = Map.copyOf(statuses);
        series = List.copyOf(series);
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests scheduled for this class: completed plus never sent. */
    public long scheduled() {
        return completed + errors.getOrDefault(ErrorKind.CLIENT_OVERFLOW.label(), 0L);
    }

    public long status(int code) {
        return statuses.getOrDefault(Integer.toString(code), 0L);
    }

    /** True when every answer was 404: the route does not exist on the service (yet). */
    public boolean routeMissing() {
        long answered = statuses.values().stream().mapToLong(Long::longValue).sum();
        return answered > 0 && status(404) == answered;
    }
}
