package io.keel.runtime.metrics;

import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeMetricsTest {
    @Test
    void aScrapeFromAVirtualThreadIsWrittenOnThePlatformScrapeThread() throws Exception {
        try (RuntimeMetrics metrics = RuntimeMetrics.create()) {
            AtomicReference<Thread> writer = new AtomicReference<>();
            Gauge.builder("probe", writer, w -> {
                w.set(Thread.currentThread());
                return 1;
            }).register(metrics.registry());

            AtomicReference<String> text = new AtomicReference<>();
            Thread.ofVirtual().start(() -> text.set(metrics.scrape())).join();
            assertThat(text.get()).contains("probe 1.0", "jvm_memory_used_bytes");
            assertThat(writer.get().isVirtual()).isFalse();
            assertThat(writer.get().getName()).isEqualTo("keel-metrics-scrape");

            Thread platform = Thread.ofPlatform().start(() -> text.set(metrics.scrape()));
            platform.join();
            assertThat(writer.get()).as("a platform thread writes its own scrape").isSameAs(platform);
        }
    }
}
