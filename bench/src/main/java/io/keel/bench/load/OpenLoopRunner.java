package io.keel.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: requests leave at the times a {@link RateSchedule} fixes, each on its own virtual thread, whether
 * or not earlier ones have answered. Latency is measured from the scheduled time, so a server stall shows up in every
 * request that should have been sent during it (no coordinated omission).
 * <p>Bounds: at most {@link LoadLimits#maxInFlight()} requests outstanding (further sends are counted as
 * "client-overflow", never queued), each phase stops at {@link LoadLimits#maxPhaseDuration()}, and only loopback
 * targets are sent to. {@link #run} blocks the caller until the run is over and in-flight requests drained;
 * one runner may be used for several runs, one at a time or concurrently.
 */
public final class OpenLoopRunner implements AutoCloseable {
    private final Http1Client client;
    private final LoadLimits limits;

    private OpenLoopRunner(Http1Client client, LoadLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    /** A runner with a client of its own, which {@link #close} closes. */
    public static OpenLoopRunner create(LoadLimits limits) {
        return new OpenLoopRunner(Http1Client.create(), limits);
    }

    /** Closes the client's idle connections; call it once every run has ended. */
    @Override
    public void close() {
        client.close();
    }

    /** Runs the specs as one phase and returns its result. */
    public PhaseResult runPhase(String phase, List<LoadSpec> specs) {
        try (LatencyRecorder recorder = LatencyRecorder.start(phase, limits)) {
            run(specs, recorder);
            return recorder.finish("open-loop");
        }
    }

    /** Runs all specs concurrently (one dispatcher thread each) into {@code recorder}; blocks until drained. */
    public void run(List<LoadSpec> specs, LatencyRecorder recorder) {
        run(specs, new LiveRun(recorder));
    }

    /**
     * Runs all specs concurrently into whatever recorder {@code live} names when each request ends, until their
     * schedules end or {@code live} is stopped; blocks until drained.
     */
    public void run(List<LoadSpec> specs, LiveRun live) {
        Semaphore inFlight = new Semaphore(limits.maxInFlight());
        Requests requests = new Requests(client, limits.requestTimeout(), live::recorder);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long hardEnd = start + limits.maxPhaseDuration().toNanos();
        List<Thread> dispatchers = new ArrayList<>();
        for (LoadSpec spec : specs) {
            live.recorder().declare(spec.requestClass());
            dispatchers.add(Thread.ofPlatform().name("bench-dispatch-" + spec.requestClass())
                    .start(() -> dispatch(spec, start, hardEnd, inFlight, requests, live)));
        }
        try {
            for (Thread t : dispatchers) {
                t.join();
            }
            long drain = limits.requestTimeout().toMillis() + 2_000;
            if (inFlight.tryAcquire(limits.maxInFlight(), drain, TimeUnit.MILLISECONDS)) {
                inFlight.release(limits.maxInFlight());
            }
        } catch (InterruptedException e) {
            dispatchers.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
    }

    private static void dispatch(LoadSpec spec, long start, long hardEnd, Semaphore inFlight, Requests requests,
                                 LiveRun live) {
        RateSchedule schedule = spec.schedule();
        RequestClass c = spec.requestClass();
        long count = schedule.count();
        for (long i = 0; i < count; i++) {
            long due = start + schedule.offsetNanos(i);
            if (due > hardEnd || live.stopped()) {
                return;
            }
            long now;
            while ((now = System.nanoTime()) < due) {
                // at most 100 ms asleep, so a stop is seen even at a rate of one request a minute
                LockSupport.parkNanos(Math.min(due - now, 100_000_000L));
                if (Thread.interrupted() || live.stopped()) {
                    return;
                }
            }
            if (!inFlight.tryAcquire()) {
                live.recorder().overflow(c);
                long at = due;
                spec.sink().ifPresent(sink -> sink.failed(c, at, System.nanoTime(), ErrorKind.CLIENT_OVERFLOW));
                continue;
            }
            // Built on the dispatcher: a slow factory (or a client GC pause) delays sends, and that delay is
            // charged to latency because it is measured from `due`.
            var request = spec.factory().next();
            Thread.ofVirtual().start(() -> {
                try {
                    requests.send(c, request, due, true, spec.sink());
                } finally {
                    inFlight.release();
                }
            });
        }
    }
}
