package io.keel.bench.load;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures closed-loop peak throughput of GET requests: with wrk when it is installed, else with
 * {@link ClosedLoopRunner}. The tool used is part of the result, and the reason for the fallback is printed once.
 * Blocking. Thread-safe.
 */
public final class PeakMeter {
    private final LoadLimits limits;
    private final PrintStream log;
    private final boolean allowWrk;

    public PeakMeter(LoadLimits limits, PrintStream log, boolean allowWrk) {
        this.limits = limits;
        this.log = log;
        this.allowWrk = allowWrk;
    }

    public PeakResult measure(RequestClass c, URI base, Map<String, String> headers, List<String> paths,
                              int connections, Duration duration) {
        var wrk = allowWrk ? WrkRunner.find() : java.util.Optional.<java.nio.file.Path>empty();
        if (wrk.isPresent()) {
            return WrkRunner.run(wrk.get(), c, base, headers, paths, connections, duration);
        }
        if (allowWrk) {
            log.println(WrkRunner.INSTALL_HINT);
        }
        AtomicLong next = new AtomicLong();
        RequestFactory factory = () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(
                    base.resolve(paths.get((int) (next.getAndIncrement() % paths.size()))));
            headers.forEach(b::header);
            return b.GET().build();
        };
        PhaseResult r = ClosedLoopRunner.create(limits).runPhase("peak-" + c, c, factory, connections, duration);
        ClassResult cr = r.get(c.name());
        return new PeakResult(c.name(), r.tool(), cr.throughputPerSec(), cr.completed(), cr.errorCount(),
                cr.latency().p50Ms(), cr.latency().p99Ms(), r.seconds());
    }
}
