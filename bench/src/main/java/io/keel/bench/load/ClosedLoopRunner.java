package io.keel.bench.load;

import io.keel.bench.BenchException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Closed-loop load: {@code connections} virtual threads each send, wait for the answer, and send again until the
 * duration is over. Measures peak throughput (and the heavy-work throughput of the prod-mix storm); its latencies
 * hide server stalls by construction (coordinated omission) and are reported as such, never as the latency figure.
 * <p>Bounded by {@code connections} (<= 10,000) and the duration (capped by {@link LoadLimits#maxPhaseDuration()}).
 * {@link #start} returns at once; {@link Running#await()} blocks. Thread-safe.
 */
public final class ClosedLoopRunner implements AutoCloseable {
    public static final String TOOL = "closed-loop java";

    private final Http1Client client;
    private final LoadLimits limits;

    private ClosedLoopRunner(Http1Client client, LoadLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    /** A runner with a client of its own, which {@link #close} closes. */
    public static ClosedLoopRunner create(LoadLimits limits) {
        return new ClosedLoopRunner(Http1Client.create(), limits);
    }

    /** Closes the client's idle connections; call it once every run has ended. */
    @Override
    public void close() {
        client.close();
    }

    /** Runs one class closed-loop as its own phase. Blocks for {@code duration}. */
    public PhaseResult runPhase(String phase, RequestClass c, RequestFactory factory, int connections,
                                Duration duration) {
        try (LatencyRecorder recorder = LatencyRecorder.start(phase, limits)) {
            start(c, factory, connections, duration, recorder).await();
            return recorder.finish(TOOL + " (" + connections + " connections)");
        }
    }

    /** Starts {@code connections} looping workers recording into {@code recorder}; returns at once. */
    public Running start(RequestClass c, RequestFactory factory, int connections, Duration duration,
                         LatencyRecorder recorder) {
        recorder.declare(c);
        return start(c, factory, connections, duration, () -> recorder);
    }

    /**
     * As {@link #start(RequestClass, RequestFactory, int, Duration, LatencyRecorder)}, each outcome recorded into
     * the recorder {@code recorders} names when the request ends: the storm runs through its settle time into one
     * recorder and its measured window into another.
     */
    public Running start(RequestClass c, RequestFactory factory, int connections, Duration duration,
                         Supplier<LatencyRecorder> recorders) {
        if (connections < 1 || connections > 10_000) {
            throw new BenchException("connections must be in 1..10000, got " + connections);
        }
        Duration capped = duration.compareTo(limits.maxPhaseDuration()) > 0 ? limits.maxPhaseDuration() : duration;
        long end = System.nanoTime() + capped.toNanos();
        Requests requests = new Requests(client, limits.requestTimeout(), recorders);
        List<Thread> workers = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            workers.add(Thread.ofVirtual().name("bench-closed-" + c + "-" + i).start(() -> {
                while (System.nanoTime() < end) {
                    if (!requests.send(c, factory.next(), System.nanoTime(), false)) {
                        return;
                    }
                }
            }));
        }
        return new Running(workers);
    }

    /** Handle on running workers. */
    public static final class Running {
        private final List<Thread> workers;

        Running(List<Thread> workers) {
            this.workers = List.copyOf(workers);
        }

        /** Blocks until every worker finished its last request. */
        public void await() {
            try {
                for (Thread t : workers) {
                    t.join();
                }
            } catch (InterruptedException e) {
                workers.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
            }
        }
    }
}
