package io.keel.bench.load;

import io.keel.bench.sample.ProcSampler;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures closed-loop peak throughput of GET requests: with wrk when it is installed, else with
 * {@link ClosedLoopRunner}. The tool used is part of the result, and the reason for the fallback is printed once.
 * Reports ok answers per second (non-2xx counted apart, for wrk as for the Java loop) and per CPU-second of the
 * service, read from its process tree before and after. Blocking. Thread-safe.
 */
public final class PeakMeter {
    private final LoadLimits limits;
    private final PrintStream log;
    private final boolean allowWrk;
    private final List<Long> servicePids;
    private final Optional<String> generatorCpus;
    private final ProcSampler proc = ProcSampler.system();

    public PeakMeter(LoadLimits limits, PrintStream log, boolean allowWrk, List<Long> servicePids,
                     Optional<String> generatorCpus) {
        this.limits = limits;
        this.log = log;
        this.allowWrk = allowWrk;
        this.servicePids = List.copyOf(servicePids);
        this.generatorCpus = generatorCpus;
    }

    public PeakResult measure(RequestClass c, URI base, Map<String, String> headers, List<String> paths,
                              int connections, Duration duration) {
        double cpuBefore = serviceCpu();
        PeakResult r = measureRaw(c, base, headers, paths, connections, duration);
        return r.withServiceCpu(serviceCpu() - cpuBefore);
    }

    private double serviceCpu() {
        return servicePids.isEmpty() ? Double.NaN : proc.sample(servicePids).cpuSeconds();
    }

    private PeakResult measureRaw(RequestClass c, URI base, Map<String, String> headers, List<String> paths,
                                  int connections, Duration duration) {
        var wrk = allowWrk ? WrkRunner.find() : Optional.<Path>empty();
        if (wrk.isPresent()) {
            return WrkRunner.run(wrk.get(), c, base, headers, paths, connections, duration, generatorCpus);
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
        PhaseResult r;
        try (ClosedLoopRunner closed = ClosedLoopRunner.create(limits)) {
            r = closed.runPhase("peak-" + c, c, factory, connections, duration);
        }
        ClassResult cr = r.get(c.name());
        return PeakResult.of(c.name(), r.tool(), cr.completed() / r.seconds(), cr.completed(), cr.errorCount(),
                cr.latency().p50Ms(), cr.latency().p99Ms(), r.seconds());
    }
}
