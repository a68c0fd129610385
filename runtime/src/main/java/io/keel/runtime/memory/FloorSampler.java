package io.keel.runtime.memory;

/**
 * Decides which collections show what is really live, so their heap-after-GC may feed the {@link HeapFloor}. After a
 * young collection the old generation still holds everything ever promoted, garbage included, so that figure climbs
 * without a leak; only a collector's verdict on the whole heap counts:
 * <ul>
 *   <li>a full collection, a ZGC major cycle, any cycle of a one-generation collector: a sample at once;</li>
 *   <li>a completed G1 marking cycle (its Cleanup pause): G1 now knows how much of each old region is live and either
 *       runs mixed collections, whose last one is the sample (taken when the next young collection gives back no old
 *       space), or finds too little garbage to be worth it ({@code G1HeapWastePercent}), and then the first young
 *       collection after Cleanup is the sample (eden emptied, old generation as marked). A pure leak is the
 *       second case: no mixed collection ever follows, and before this rule the floor got no samples at all.</li>
 * </ul>
 * The second sample of a marking cycle holds no more garbage than the first: mixed collections stop when what is left
 * to reclaim falls below the same {@code G1HeapWastePercent}, and they end later, after more promotions. So a bucket
 * fed only by a cycle without mixed collections is not biased upwards against one fed by mixed collections, and the
 * floor's per-bucket minimum takes the lower when a bucket has both. Young collections outside a marking cycle never
 * count, even when they free old space (G1 reclaims dead humongous objects in young pauses).
 *
 * <p>Thread-safe (synchronized; called once per collection from the JMX notification thread). Holds one pending
 * sample at most. Times in milliseconds from any fixed origin, so tests drive it with fake events.
 */
final class FloorSampler {
    /** What a collection says about liveness. */
    enum Kind {
        /** A young (or G1 mixed) pause: counts only after a G1 marking cycle. */
        YOUNG,
        /** A whole-heap verdict: full collection, ZGC major cycle, one-generation collector's cycle. */
        WHOLE_HEAP,
        /**
         * G1's Remark or Cleanup pause (one notifier reports both, alike): the concurrent marking cycle completed.
         * Only after the second one has G1 chosen whether mixed collections follow.
         */
        MARKING_DONE
    }

    /** One collection: when it ended, the heap in use after it, and whether it gave back old-generation space. */
    record GcEvent(Kind kind, long atMillis, long heapAfter, boolean oldReclaimed) {
    }

    /** Where samples go: the floor, and the gauges that show the last one. */
    interface Sink {
        void sample(long atMillis, long heapBytes);
    }

    private enum State { IDLE, MARKED, PREPARED, MIXING }

    private final Sink sink;
    private State state = State.IDLE;
    private GcEvent pending;

    FloorSampler(Sink sink) {
        this.sink = sink;
    }

    synchronized void accept(GcEvent event) {
        switch (event.kind()) {
            case WHOLE_HEAP -> {
                pending = null;
                state = State.IDLE;
                sink.sample(event.atMillis(), event.heapAfter());
            }
            case MARKING_DONE -> {
                // remark, then cleanup: young pauses between them come before G1 chose whether to run mixed ones
                pending = null;
                state = State.MARKED;
            }
            case YOUNG -> young(event);
        }
    }

    private void young(GcEvent event) {
        switch (state) {
            case IDLE -> { }
            case MARKED -> {
                pending = event;
                state = State.PREPARED;
            }
            case PREPARED, MIXING -> {
                if (event.oldReclaimed()) {
                    pending = event;
                    state = State.MIXING;
                } else {
                    flush();
                }
            }
        }
    }

    /** Records the pending sample, if any: the last mixed collection, or the young one after Cleanup. */
    private void flush() {
        if (pending != null) {
            sink.sample(pending.atMillis(), pending.heapAfter());
            pending = null;
        }
        state = State.IDLE;
    }
}
