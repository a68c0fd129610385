package io.keel.bench.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoakSamplerTest {
    /** What Micrometer's JvmMemoryMetrics exports for a G1 JVM with -Xmx512m and no MaxMetaspaceSize. */
    private static final PrometheusText POOLS = PrometheusText.parse("""
            jvm_memory_committed_bytes{area="heap",id="G1 Eden Space"} 6.0E7
            jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 3.6E7
            jvm_memory_committed_bytes{area="heap",id="G1 Survivor Space"} 4000000.0
            jvm_memory_committed_bytes{area="nonheap",id="CodeHeap 'non-nmethods'"} 3000000.0
            jvm_memory_committed_bytes{area="nonheap",id="CodeHeap 'profiled nmethods'"} 1.2E7
            jvm_memory_committed_bytes{area="nonheap",id="CodeHeap 'non-profiled nmethods'"} 5000000.0
            jvm_memory_committed_bytes{area="nonheap",id="Metaspace"} 5.5E7
            jvm_memory_committed_bytes{area="nonheap",id="Compressed Class Space"} 7000000.0
            jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
            jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 5.36870912E8
            jvm_memory_max_bytes{area="heap",id="G1 Survivor Space"} -1.0
            jvm_memory_max_bytes{area="nonheap",id="CodeHeap 'non-nmethods'"} 5828608.0
            jvm_memory_max_bytes{area="nonheap",id="CodeHeap 'profiled nmethods'"} 1.22916864E8
            jvm_memory_max_bytes{area="nonheap",id="CodeHeap 'non-profiled nmethods'"} 1.22916864E8
            jvm_memory_max_bytes{area="nonheap",id="Metaspace"} -1.0
            jvm_memory_max_bytes{area="nonheap",id="Compressed Class Space"} 1.073741824E9
            """);

    @Test
    void theHeapsCeilingIsTheSumOfThePoolsThatHaveOneWhichIsXmxForG1() {
        SoakSampler.Pool heap = SoakSampler.jvmPool(POOLS, labels -> "heap".equals(labels.get("area")));

        assertThat(heap.size()).isEqualTo(100e6);
        assertThat(heap.max()).isEqualTo(512 << 20);
    }

    @Test
    void theCodeCacheIsItsCodeHeapsAndItsCeilingReservedCodeCacheSize() {
        SoakSampler.Pool code = SoakSampler.jvmPool(POOLS, labels -> SoakSampler.isCodeCache(labels.get("id")));

        assertThat(code.size()).isEqualTo(20e6);
        assertThat(code.max()).as("the default ReservedCodeCacheSize, 240 MiB, as the JVM splits and aligns it")
                .isEqualTo(5_828_608.0 + 2 * 122_916_864.0);
        assertThat(SoakSampler.isCodeCache("CodeCache")).as("unsegmented").isTrue();
        assertThat(SoakSampler.isCodeCache("Metaspace")).isFalse();
    }

    @Test
    void metaspaceWithoutMaxMetaspaceSizeHasNoCeilingAndItsClassSpaceIsNotCountedTwice() {
        SoakSampler.Pool meta = SoakSampler.jvmPool(POOLS, labels -> "Metaspace".equals(labels.get("id")));

        assertThat(meta.size()).as("Metaspace already includes the compressed class space").isEqualTo(55e6);
        assertThat(meta.max()).isNaN();
    }

    @Test
    void noMetricsReadAsUnknownPools() {
        SoakSampler.Pool none = SoakSampler.jvmPool(null, labels -> true);

        assertThat(none.size()).isNaN();
        assertThat(none.max()).isNaN();
        assertThat(SoakSampler.jvmPool(POOLS, labels -> false).size()).isNaN();
    }
}
