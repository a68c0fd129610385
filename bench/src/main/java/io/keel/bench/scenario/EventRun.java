package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.load.LatencyRecorder;
import io.keel.bench.load.LoadLimits;
import io.keel.bench.load.LiveRun;
import io.keel.bench.load.LoadSpec;
import io.keel.bench.load.OpenLoopRunner;
import io.keel.bench.load.PhaseResult;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Open-loop load with an event in the middle (a reload, a SIGKILL): steady load for {@code before}, then the event
 * on the scenario thread while the load goes on, then {@code after} more. The run is cut into three phases, each
 * with its own histogram and per-second series: {@code <name>-before}, {@code <name>-during} (from the event's start
 * to its end) and {@code <name>-after}; a request counts in the window in which it ended. Blocking for the whole run.
 */
final class EventRun {
    /** Longest event (a replacement worker on a loaded machine took 43 s in the supervisor's tests). */
    static final Duration MAX_EVENT = Duration.ofMinutes(4);

    private EventRun() {
    }

    /**
     * The three windows and what the event returned. Immutable.
     *
     * @param eventStartNanos {@link System#nanoTime()} when the event began (the SIGKILL, the reload request)
     * @param eventEndNanos   when it ended (replacement ready, reload answered)
     */
    record Windows<T>(PhaseResult before, PhaseResult during, PhaseResult after, long eventStartNanos,
                      long eventEndNanos, T event) {
        List<PhaseResult> phases() {
            return List.of(before, during, after);
        }

        double eventMs() {
            return (eventEndNanos - eventStartNanos) / 1e6;
        }
    }

    /** Runs {@code specs} (given the longest the run may last) around {@code event}; blocks until all drained. */
    static <T> Windows<T> run(ScenarioContext ctx, String name, Function<Duration, List<LoadSpec>> specs,
                              Duration before, Duration after, Supplier<T> event) {
        Duration longest = before.plus(MAX_EVENT).plus(after);
        List<LoadSpec> load = specs.apply(longest);
        // the whole run is one schedule: the default 10-minute phase cap would stop the load before a long event
        LoadLimits limits = ctx.limits().covering(longest);
        LatencyRecorder first = recorder(limits, name + "-before", load);
        LiveRun live = new LiveRun(first);
        try (OpenLoopRunner runner = OpenLoopRunner.create(limits)) {
            Thread generator = Thread.ofPlatform().name("bench-event-load-" + name)
                    .start(() -> runner.run(load, live));
            pause(before);
            PhaseResult b = live.switchTo(recorder(limits, name + "-during", load)).finish("open-loop");
            long start = System.nanoTime();
            ctx.log().println(name + ": event starts");
            T result = event.get();
            long end = System.nanoTime();
            ctx.log().println(name + ": event ended after " + (end - start) / 1_000_000 + " ms");
            PhaseResult d = live.switchTo(recorder(limits, name + "-after", load)).finish("open-loop");
            pause(after);
            live.stop();
            generator.join();
            PhaseResult a = live.recorder().finish("open-loop");
            return new Windows<>(ctx.check(b), ctx.check(d), ctx.check(a), start, end, result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + name, e);
        } finally {
            live.stop();
        }
    }

    private static LatencyRecorder recorder(LoadLimits limits, String phase, List<LoadSpec> load) {
        LatencyRecorder r = LatencyRecorder.start(phase, limits);
        load.forEach(s -> r.declare(s.requestClass()));
        return r;
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d);
    }
}
