package io.keel.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Collects latencies and errors of one phase per request class, and cuts them into one-second intervals for plots.
 * <p>One population per phase: every scheduled request lands in the "all" histogram, whatever became of it. A
 * request that was never sent (client overflow) or timed out counts as at least the request timeout from its
 * scheduled time, so a client or server that cannot keep up never makes the percentiles look better; answers with
 * 1xx..3xx also land in the "ok" histogram. Dispatch lag (how late a request reached the HTTP client compared to its
 * schedule) is kept as a histogram too, with the time of the largest and a {@link HiccupMeter} beside it, so a stall
 * is placed in the phase and attributed to the whole process or to the dispatch path ({@link Stall}).
 * <p>Thread-safe: any number of request threads record concurrently (HdrHistogram {@link Recorder} is wait-free for
 * writers); one internal platform thread closes an interval every second; in an open-loop phase another is the
 * hiccup meter. Bounded: values are microseconds up to one hour (longer values are clamped), and the per-second
 * series keeps at most {@code maxSeconds} entries, later ones are folded into the totals only.
 */
public final class LatencyRecorder implements AutoCloseable {
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final String phase;
    private final int maxSeconds;
    private final long timeoutNanos;
    private final long startNanos = System.nanoTime();
    private final Map<RequestClass, PerClass> classes = new ConcurrentHashMap<>();
    private final Recorder dispatchLag = new Recorder(MAX_MICROS, 3);
    private final Thread ticker;
    private final Object largestLagLock = new Object();
    private volatile long largestLagNanos = Long.MIN_VALUE;
    private long largestLagAtNanos;
    /** Started by the first dispatch lag, so only open-loop phases run one; null until then, guarded by the lock. */
    private HiccupMeter hiccups;
    /** Set by {@link #close()}, guarded by the lock: no meter starts after it. */
    private boolean hiccupsClosed;
    private volatile long endNanos;
    private int second;

    private LatencyRecorder(String phase, int maxSeconds, Duration timeout) {
        this.phase = phase;
        this.maxSeconds = maxSeconds;
        this.timeoutNanos = timeout.toNanos();
        this.ticker = Thread.ofPlatform().daemon().name("bench-ticker-" + phase).start(this::tickEverySecond);
    }

    /** Starts recording a phase now; the series is capped at {@code maxDuration} (plus a few seconds of drain). */
    public static LatencyRecorder start(String phase, LoadLimits limits) {
        return new LatencyRecorder(phase, (int) Math.min(Integer.MAX_VALUE - 10,
                limits.maxPhaseDuration().toSeconds() + 10), limits.requestTimeout());
    }

    /** Registers a class so it appears in the result even when nothing of it completes. */
    public void declare(RequestClass c) {
        perClass(c);
    }

    /** An HTTP answer arrived; latency is {@code endNanos - scheduledNanos}. */
    public void response(RequestClass c, long scheduledNanos, long endNanos, int status) {
        PerClass p = perClass(c);
        boolean ok = ErrorKind.ofStatus(status).isEmpty();
        p.latency(endNanos - scheduledNanos, ok);
        p.statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        ErrorKind.ofStatus(status).ifPresentOrElse(p::error, p.ok::increment);
    }

    /** The request failed without an answer; a timeout counts as at least the timeout. */
    public void failure(RequestClass c, long scheduledNanos, long endNanos, ErrorKind kind) {
        PerClass p = perClass(c);
        long took = endNanos - scheduledNanos;
        p.latency(kind == ErrorKind.TIMEOUT ? Math.max(took, timeoutNanos) : took, false);
        p.error(kind);
    }

    /** The request was never sent because the client's in-flight bound was reached: recorded as the timeout. */
    public void overflow(RequestClass c) {
        PerClass p = perClass(c);
        p.latency(timeoutNanos, false);
        p.error(ErrorKind.CLIENT_OVERFLOW);
    }

    /** How late a request reached the HTTP client compared to its schedule (open loop only). */
    public void dispatchLag(long lagNanos) {
        dispatchLag.recordValue(Math.min(MAX_MICROS, Math.max(0, lagNanos / 1000)));
        if (lagNanos > largestLagNanos) { // rare once the phase runs: a lock only for a new largest
            synchronized (largestLagLock) {
                if (lagNanos > largestLagNanos) {
                    largestLagNanos = lagNanos;
                    largestLagAtNanos = System.nanoTime();
                }
                if (hiccups == null && !hiccupsClosed) { // the first lag is always a new largest
                    hiccups = HiccupMeter.start(phase, startNanos);
                }
            }
        }
    }

    /** Stops the ticker, closes the last interval and returns the phase result. Call once. */
    public PhaseResult finish(String tool) {
        close();
        double seconds = (endNanos - startNanos) / 1e9;
        List<ClassResult> results = new ArrayList<>();
        classes.entrySet().stream().sorted(Comparator.comparing(e -> e.getKey().name()))
                .forEach(e -> results.add(e.getValue().result(e.getKey().name(), seconds)));
        Histogram lag = dispatchLag.getIntervalHistogram();
        boolean open = lag.getTotalCount() > 0;
        Stall stall;
        synchronized (largestLagLock) {
            stall = open && hiccups != null
                    ? hiccups.stop(largestLagNanos / 1e6, (largestLagAtNanos - startNanos) / 1e9) : Stall.UNKNOWN;
        }
        return new PhaseResult(phase, tool, seconds, open ? lag.getMaxValue() / 1000.0 : 0,
                open ? lag.getValueAtPercentile(99) / 1000.0 : 0, stall, results, Validity.UNCHECKED);
    }

    @Override
    public void close() {
        if (endNanos != 0) {
            return;
        }
        ticker.interrupt();
        synchronized (largestLagLock) {
            hiccupsClosed = true;
            if (hiccups != null) {
                hiccups.close();
            }
        }
        try {
            ticker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endNanos = System.nanoTime();
        tick();
    }

    private PerClass perClass(RequestClass c) {
        return classes.computeIfAbsent(c, k -> new PerClass());
    }

    private void tickEverySecond() {
        long next = startNanos;
        while (true) {
            next += 1_000_000_000L;
            long wait = next - System.nanoTime();
            try {
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            } catch (InterruptedException e) {
                return;
            }
            tick();
        }
    }

    private synchronized void tick() {
        second++;
        classes.values().forEach(p -> p.closeInterval(second, second <= maxSeconds));
    }

    /** Per-class state; intervals are closed under the recorder's lock. */
    private static final class PerClass {
        private final Recorder interval = new Recorder(MAX_MICROS, 3);
        private final Recorder intervalOk = new Recorder(MAX_MICROS, 3);
        private final Histogram total = new Histogram(MAX_MICROS, 3);
        private final Histogram totalOk = new Histogram(MAX_MICROS, 3);
        private final List<SecondStats> series = new ArrayList<>();
        private final LongAdder ok = new LongAdder();
        private final Map<ErrorKind, LongAdder> errors = new ConcurrentHashMap<>();
        private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        private Histogram reusable;
        private Histogram reusableOk;

        void latency(long nanos, boolean success) {
            long micros = Math.min(MAX_MICROS, Math.max(0, nanos / 1000));
            interval.recordValue(micros);
            if (success) {
                intervalOk.recordValue(micros);
            }
        }

        void error(ErrorKind kind) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        void closeInterval(int second, boolean keepSeries) {
            reusable = interval.getIntervalHistogram(reusable);
            reusableOk = intervalOk.getIntervalHistogram(reusableOk);
            total.add(reusable);
            totalOk.add(reusableOk);
            if (keepSeries) {
                LatencySummary s = LatencySummary.ofMicros(reusable);
                series.add(new SecondStats(second, s.count(), s.p50Ms(), s.p99Ms(), s.maxMs()));
            }
        }

        synchronized ClassResult result(String name, double seconds) {
            Map<String, Long> errs = new TreeMap<>();
            errors.forEach((k, v) -> errs.put(k.label(), v.sum()));
            Map<String, Long> sts = new TreeMap<>();
            statuses.forEach((k, v) -> sts.put(Integer.toString(k), v.sum()));
            long answered = sts.values().stream().mapToLong(Long::longValue).sum();
            long failedUnanswered = errs.entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("status-") && !e.getKey().equals("client-overflow"))
                    .mapToLong(Map.Entry::getValue).sum();
            double tput = seconds > 0 ? ok.sum() / seconds : 0;
            return new ClassResult(name, answered + failedUnanswered, ok.sum(), errs, sts,
                    LatencySummary.ofMicros(total), LatencySummary.ofMicros(totalOk), tput, series);
        }
    }
}
