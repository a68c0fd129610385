package io.keel.runtime.memory;

import io.keel.runtime.memory.FloorSampler.GcEvent;
import io.keel.runtime.memory.FloorSampler.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sampling rule driven by fake collections: (time, heap after) pairs are what reaches the floor. */
class FloorSamplerTest {
    private final List<long[]> samples = new ArrayList<>();
    private final FloorSampler sampler = new FloorSampler((at, heap) -> samples.add(new long[] {at, heap}));

    private void young(long at, long heap, boolean oldReclaimed) {
        sampler.accept(new GcEvent(Kind.YOUNG, at, heap, oldReclaimed));
    }

    private void marking(long at, long heap) {
        sampler.accept(new GcEvent(Kind.MARKING_DONE, at, heap, false));
    }

    @Test
    void youngCollectionsAloneNeverFeedTheFloorEvenWhenTheyFreeOldSpace() {
        young(1, 100, false);
        young(2, 110, true); // a dead humongous object reclaimed in a young pause
        young(3, 120, false);
        assertThat(samples).isEmpty();
    }

    @Test
    void aFullCollectionIsASampleAtOnce() {
        young(1, 100, false);
        sampler.accept(new GcEvent(Kind.WHOLE_HEAP, 2, 80, false)); // a leak can make old grow even in a full GC
        assertThat(samples).containsExactly(new long[] {2, 80});
    }

    @Test
    void aMarkingCycleWithoutMixedCollectionsIsSampledAtTheFirstYoungCollectionAfterCleanup() {
        young(1, 100, false); // concurrent start
        marking(2, 150);      // remark
        marking(3, 160);      // cleanup: nothing worth reclaiming, as with a pure leak
        young(4, 120, false); // eden emptied, old generation as marked
        assertThat(samples).as("not yet known whether mixed collections follow").isEmpty();
        young(5, 125, false);
        assertThat(samples).containsExactly(new long[] {4, 120});
        young(6, 130, false);
        assertThat(samples).as("one sample per cycle").hasSize(1);
    }

    @Test
    void mixedCollectionsAfterAMarkingCycleAreSampledAtTheLastOfThem() {
        marking(1, 300);
        marking(2, 300);
        young(3, 250, false); // prepare mixed
        young(4, 200, true);
        young(5, 150, true);
        young(6, 120, true);
        assertThat(samples).isEmpty();
        young(7, 140, false); // back to young-only: the mixed phase is over
        assertThat(samples).containsExactly(new long[] {6, 120});
    }

    @Test
    void youngCollectionsBetweenRemarkAndCleanupAreNotSamples() {
        marking(1, 300);      // remark
        young(2, 280, false); // during the remembered-set rebuild: G1 has not chosen yet
        marking(3, 290);      // cleanup
        young(4, 250, false); // prepare mixed
        young(5, 150, true);
        young(6, 160, false);
        assertThat(samples).containsExactly(new long[] {5, 150});
    }

    @Test
    void aFullCollectionDuringAMarkingCycleReplacesItsPendingSample() {
        marking(1, 300);
        marking(2, 300);
        young(3, 250, false);
        sampler.accept(new GcEvent(Kind.WHOLE_HEAP, 4, 90, false));
        young(5, 100, false);
        young(6, 110, false);
        assertThat(samples).containsExactly(new long[] {4, 90});
    }

    @Test
    void collectorsAreClassifiedByTheNamesHotSpotGivesThem() {
        assertThat(HeapAfterGc.kind("G1 Young Generation", "end of minor GC", true)).contains(Kind.YOUNG);
        assertThat(HeapAfterGc.kind("G1 Concurrent GC", "end of concurrent GC pause", true))
                .contains(Kind.MARKING_DONE);
        assertThat(HeapAfterGc.kind("G1 Old Generation", "end of major GC", true)).contains(Kind.WHOLE_HEAP);
        assertThat(HeapAfterGc.kind("ZGC Minor Cycles", "end of GC cycle", true)).contains(Kind.YOUNG);
        assertThat(HeapAfterGc.kind("ZGC Major Cycles", "end of GC cycle", true)).contains(Kind.WHOLE_HEAP);
        assertThat(HeapAfterGc.kind("ZGC Major Pauses", "end of GC pause", true)).isEmpty();
        assertThat(HeapAfterGc.kind("Copy", "end of minor GC", true)).contains(Kind.YOUNG);
        assertThat(HeapAfterGc.kind("MarkSweepCompact", "end of major GC", true)).contains(Kind.WHOLE_HEAP);
        assertThat(HeapAfterGc.kind("PS Scavenge", "end of minor GC", true)).contains(Kind.YOUNG);
        assertThat(HeapAfterGc.kind("Shenandoah Cycles", "end of GC cycle", false)).contains(Kind.WHOLE_HEAP);
        assertThat(HeapAfterGc.kind("Shenandoah Pauses", "Final Mark", false)).isEmpty();
    }
}
