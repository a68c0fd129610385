package io.keel.microbench;

import io.keel.store.orders.ActiveUsers;
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

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The active-users sketch as signed-in requests use it: one {@link ActiveUsers#seen} per request, from a population
 * of a million users, with the dashboard's {@link ActiveUsers#estimate} measured on its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class ActiveUsersBenchmark {
    private ActiveUsers users;

    @Setup
    public void setUp() {
        users = new ActiveUsers(Clock.systemUTC(), Duration.ofMinutes(5));
        for (long id = 0; id < 100_000; id++) {
            users.seen(id);
        }
    }

    @Benchmark
    public void seen(CpuTime cpu) {
        cpu.ops++;
        users.seen(ThreadLocalRandom.current().nextLong(1_000_000));
    }

    @Benchmark
    @Threads(1)
    public long estimate(CpuTime cpu) {
        cpu.ops++;
        return users.estimate();
    }
}
