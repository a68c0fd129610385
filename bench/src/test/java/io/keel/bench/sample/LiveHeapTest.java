package io.keel.bench.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveHeapTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void readsTheHistogramEndpointsAnswer() throws Exception {
        LiveHeap h = LiveHeap.parse(12.5, json("""
                {"live":true,"totalInstances":900,"totalBytes":31000000,"classes":1500,"top":[
                 {"rank":1,"className":"[B","instances":500,"bytes":20000000},
                 {"rank":2,"className":"java.lang.String","instances":400,"bytes":9600}]}"""));

        assertThat(h.second()).isEqualTo(12.5);
        assertThat(h.totalBytes()).isEqualTo(31_000_000);
        assertThat(h.classes()).containsExactly(
                Map.entry("[B", new LiveHeap.ClassBytes(500, 20_000_000)),
                Map.entry("java.lang.String", new LiveHeap.ClassBytes(400, 9600)));
    }

    @Test
    void refusesAHistogramThatIsNotLiveOrHasNoTotal() throws Exception {
        assertThatThrownBy(() -> LiveHeap.parse(0, json("{\"live\":false,\"totalBytes\":5,\"top\":[]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a live heap histogram");
        assertThatThrownBy(() -> LiveHeap.parse(0, json("{\"live\":true,\"top\":[]}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LiveHeap.parse(0, json("{\"type\":\"about:blank\",\"status\":401}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void growthListsTheClassesThatGrewLargestFirstAndCountsAMissingSideAsZero() {
        LiveHeap from = heap(0, Map.of("a", 100L, "b", 1_000L, "gone", 50L, "same", 7L));
        LiveHeap to = heap(60, Map.of("a", 400L, "b", 1_100L, "new", 250L, "same", 7L));

        List<LiveHeap.Growth> grown = LiveHeap.growth(from, to, 10);

        assertThat(grown).extracting(LiveHeap.Growth::className).containsExactly("a", "new", "b");
        assertThat(grown).extracting(LiveHeap.Growth::bytes).containsExactly(300L, 250L, 100L);
        assertThat(grown.get(1).from()).isEqualTo(new LiveHeap.ClassBytes(0, 0));
        assertThat(grown.get(1).instances()).isEqualTo(250);
        assertThat(LiveHeap.growth(from, to, 2)).extracting(LiveHeap.Growth::className).containsExactly("a", "new");
        assertThat(LiveHeap.growth(to, to, 10)).isEmpty();
    }

    /** A heap whose classes each have as many instances as bytes. */
    static LiveHeap heap(double second, Map<String, Long> bytes) {
        Map<String, LiveHeap.ClassBytes> classes = new TreeMap<>();
        bytes.forEach((k, v) -> classes.put(k, new LiveHeap.ClassBytes(v, v)));
        return new LiveHeap(second, bytes.values().stream().mapToLong(Long::longValue).sum(), classes);
    }
}
