package io.keel.runtime.lag;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the JDK's own Flight Recorder events, in process, for virtual threads that block while pinned to their
 * carrier ({@code jdk.VirtualThreadPinned}, longer than a threshold) and for virtual threads the scheduler could not
 * start ({@code jdk.VirtualThreadSubmitFailed}). Since JDK 24 {@code synchronized} no longer pins; what remains is
 * blocking inside native frames and class initializers, which is rare and worth a log line.
 *
 * <p>Counts {@code keel_virtual_thread_pinned_total} and {@code keel_virtual_thread_submit_failed_total}; logs the stack
 * once per distinct call site (the first frame outside the JDK), remembering at most {@value #MAX_SITES} sites so a
 * pathological application cannot grow the set. Events arrive on the JFR stream thread, about once a second.
 * Thread-safe; {@link #close} stops the stream.
 */
public final class PinnedThreadMonitor implements AutoCloseable {
    static final int MAX_SITES = 256;
    private static final int MAX_LOGGED_FRAMES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(PinnedThreadMonitor.class);

    private final Counter pinned;
    private final Counter submitFailed;
    private final MeterRegistry registry;
    private final Set<String> loggedSites = ConcurrentHashMap.newKeySet();
    private final RecordingStream stream;

    private PinnedThreadMonitor(MeterRegistry registry, Duration threshold, boolean streaming) {
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("pinned threshold was " + threshold + ", allowed: >= 0");
        }
        this.registry = registry;
        this.pinned = Counter.builder("keel.virtual.thread.pinned")
                .description("Virtual threads that blocked while pinned to their carrier longer than the threshold")
                .register(registry);
        this.submitFailed = Counter.builder("keel.virtual.thread.submit.failed")
                .description("Virtual threads the scheduler failed to start or unpark").register(registry);
        this.stream = streaming ? new RecordingStream() : null;
        if (stream != null) {
            stream.setMaxAge(Duration.ofSeconds(10)); // bounds the JFR buffer kept for the stream
            stream.enable("jdk.VirtualThreadPinned").withThreshold(threshold).withStackTrace();
            stream.enable("jdk.VirtualThreadSubmitFailed").withStackTrace();
            stream.onEvent("jdk.VirtualThreadPinned", e -> onPinned(e.getDuration(), frames(e)));
            stream.onEvent("jdk.VirtualThreadSubmitFailed", e -> onSubmitFailed(e.getString("exceptionMessage")));
        }
    }

    /** Starts watching with a 20 ms threshold. */
    public static PinnedThreadMonitor start(MeterRegistry registry) {
        return start(registry, Duration.ofMillis(20));
    }

    /** Starts watching; pinned blocking shorter than {@code threshold} is ignored. Not blocking. */
    public static PinnedThreadMonitor start(MeterRegistry registry, Duration threshold) {
        var monitor = new PinnedThreadMonitor(registry, threshold, true);
        monitor.stream.startAsync();
        return monitor;
    }

    /** A monitor without a JFR stream, fed by tests through the handlers. */
    static PinnedThreadMonitor detached(MeterRegistry registry) {
        return new PinnedThreadMonitor(registry, Duration.ZERO, false);
    }

    void onPinned(Duration duration, List<String> frames) {
        pinned.increment();
        String site = frames.stream().filter(f -> !isJdk(f)).findFirst()
                .orElse(frames.isEmpty() ? "unknown" : frames.getFirst());
        if (loggedSites.size() < MAX_SITES && loggedSites.add(site)) {
            LOG.warn("virtual thread pinned its carrier for {} ms at {} (logged once per site):\n\tat {}",
                    duration.toMillis(), site, String.join("\n\tat ", frames));
        }
    }

    void onSubmitFailed(String message) {
        submitFailed.increment();
        LOG.error("virtual thread scheduler could not start or unpark a virtual thread: {}", message);
    }

    /** Distinct sites logged so far; at most {@value #MAX_SITES}. */
    int loggedSites() {
        return loggedSites.size();
    }

    private static boolean isJdk(String frame) {
        return frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.");
    }

    private static List<String> frames(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return List.of();
        }
        return event.getStackTrace().getFrames().stream().limit(MAX_LOGGED_FRAMES).map(PinnedThreadMonitor::describe)
                .toList();
    }

    private static String describe(RecordedFrame frame) {
        var method = frame.getMethod();
        return method.getType().getName() + "." + method.getName() + ":" + frame.getLineNumber();
    }

    /** Stops the JFR stream and removes the meters. */
    @Override
    public void close() {
        try {
            if (stream != null) {
                stream.close();
            }
        } finally {
            registry.remove(pinned);
            registry.remove(submitFailed);
        }
    }
}
