package io.keel.runtime.lag;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PinnedThreadMonitorTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Blocking in a class initializer still pins on JDK 24+: the initializer runs under a native VM frame. */
    static final class SlowInit {
        static {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
        }
    }

    private double pinned() {
        return registry.get("keel.virtual.thread.pinned").counter().count();
    }

    @Test
    void countsAVirtualThreadThatBlocksInAClassInitializer() throws Exception {
        try (var monitor = PinnedThreadMonitor.start(registry, Duration.ofMillis(20))) {
            Thread.ofVirtual().start(SlowInit::touch).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> pinned() >= 1);
            assertThat(monitor.loggedSites()).isEqualTo(1);
        }
    }

    @Test
    void logsEachDistinctSiteOnceButCountsEveryEvent() {
        try (var monitor = PinnedThreadMonitor.detached(registry)) {
            var stack = List.of("java.lang.VirtualThread.park:1", "com.acme.Native.call:42", "com.acme.Handler.run:7");
            monitor.onPinned(Duration.ofMillis(30), stack);
            monitor.onPinned(Duration.ofMillis(30), stack);
            monitor.onPinned(Duration.ofMillis(30), List.of("com.acme.Other.call:1"));

            assertThat(pinned()).isEqualTo(3);
            assertThat(monitor.loggedSites()).isEqualTo(2);
        }
    }

    @Test
    void remembersAtMostABoundedNumberOfSites() {
        try (var monitor = PinnedThreadMonitor.detached(registry)) {
            for (int i = 0; i < PinnedThreadMonitor.MAX_SITES + 50; i++) {
                monitor.onPinned(Duration.ofMillis(30), List.of("com.acme.Site" + i + ".run:1"));
            }
            monitor.onPinned(Duration.ofMillis(30), List.of());

            assertThat(monitor.loggedSites()).isEqualTo(PinnedThreadMonitor.MAX_SITES);
            assertThat(pinned()).isEqualTo(PinnedThreadMonitor.MAX_SITES + 51);
        }
    }

    @Test
    void countsSubmitFailures() {
        try (var monitor = PinnedThreadMonitor.detached(registry)) {
            monitor.onSubmitFailed("RejectedExecutionException");
            assertThat(registry.get("keel.virtual.thread.submit.failed").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void rejectsANegativeThreshold() {
        assertThatThrownBy(() -> PinnedThreadMonitor.start(registry, Duration.ofMillis(-1)))
                .hasMessage("pinned threshold was PT-0.001S, allowed: >= 0");
    }
}
