package io.keel.bench.load;

/**
 * Steers an open-loop run while it goes on, for scenarios with an event in the middle (a reload, a SIGKILL): which
 * recorder the requests that end from now on record into, and when the run stops sending. Switching at the event
 * cuts the run into windows (before, during, after), each a phase of its own with a full histogram. A request
 * records into the recorder current when it ends, so a request in flight at the event counts in the window where it
 * ended. Thread-safe: the scenario thread switches and stops, request threads read.
 */
public final class LiveRun {
    private volatile LatencyRecorder recorder;
    private volatile boolean stopped;

    public LiveRun(LatencyRecorder first) {
        this.recorder = first;
    }

    /** Requests ending from now on record into {@code next}; returns the recorder they recorded into until now. */
    public LatencyRecorder switchTo(LatencyRecorder next) {
        LatencyRecorder previous = recorder;
        recorder = next;
        return previous;
    }

    public LatencyRecorder recorder() {
        return recorder;
    }

    /** No request is sent after this; the run drains what is in flight and returns. */
    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }
}
