package io.keel.microbench;

import io.keel.runtime.limit.ConcurrencyLimiter;
import io.keel.runtime.limit.LimitSettings;
import io.keel.runtime.limit.Permit;
import io.keel.runtime.limit.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through the concurrency limiter: acquire a permit, report success, release it (which feeds the
 * round-trip time to Gradient2). Run with {@code -t 1} and {@code -t 2} (or more) to see what contention costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class LimiterBenchmark {
    private ConcurrencyLimiter limiter;

    @Setup
    public void setUp() {
        // A limit no two benchmark threads can reach: every acquire succeeds, so this measures the admitted path.
        limiter = ConcurrencyLimiter.create(LimitSettings.defaults().withLimits(1000, 500, 2000),
                new SimpleMeterRegistry());
    }

    @Benchmark
    public boolean acquireAndRelease(CpuTime cpu) {
        cpu.ops++;
        Optional<Permit> permit = limiter.tryAcquire(Priority.LIGHT);
        if (permit.isEmpty()) {
            return false;
        }
        try (Permit p = permit.get()) {
            p.onSuccess();
        }
        return true;
    }

    @Benchmark
    public boolean heavyAcquireAndRelease(CpuTime cpu) {
        cpu.ops++;
        Optional<Permit> permit = limiter.tryAcquire(Priority.HEAVY);
        if (permit.isEmpty()) {
            return false;
        }
        try (Permit p = permit.get()) {
            p.onSuccess();
        }
        return true;
    }
}
