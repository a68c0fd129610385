package io.keel.runtime.stream;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformProducerTest {
    @Test
    void itemsArriveInOrderOnTheCallingThreadWhileTheSourceRunsOnAPlatformThread() throws Exception {
        List<Integer> seen = new ArrayList<>();
        AtomicBoolean sourceOnPlatform = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> new PlatformProducer<Integer>("test", 10, 2).forEach(sink -> {
            sourceOnPlatform.set(!Thread.currentThread().isVirtual());
            for (int i = 0; i < 1000; i++) {
                sink.accept(i);
            }
        }, seen::add));
        caller.join();
        assertThat(sourceOnPlatform).isTrue();
        assertThat(seen).hasSize(1000).isSorted();
        assertThat(seen.getLast()).isEqualTo(999);
    }

    @Test
    void aSlowConsumerHoldsTheProducerBackWithinTheQueueBound() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        CountDownLatch firstItem = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> run = CompletableFuture.runAsync(() ->
                new PlatformProducer<Integer>("test", 10, 2).forEach(sink -> {
                    for (int i = 0; i < 100_000; i++) {
                        sink.accept(i);
                        produced.incrementAndGet();
                    }
                }, item -> {
                    firstItem.countDown();
                    awaitQuietly(release);
                }));
        assertThat(firstItem.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // give an unbounded producer the chance to run ahead; a bounded one cannot
        // one batch being consumed, two queued, one being filled
        assertThat(produced.get()).isLessThanOrEqualTo(10 * 4);
        release.countDown();
        run.get(10, TimeUnit.SECONDS);
        assertThat(produced.get()).isEqualTo(100_000);
    }

    @Test
    void aFailingConsumerStopsTheProducerBeforeForEachReturns() {
        AtomicBoolean producerRunning = new AtomicBoolean();
        assertThatThrownBy(() -> new PlatformProducer<Integer>("test", 4, 1).forEach(sink -> {
            producerRunning.set(true);
            try {
                for (int i = 0; ; i++) {
                    sink.accept(i);
                }
            } finally {
                producerRunning.set(false);
            }
        }, item -> {
            if (item == 20) {
                throw new IllegalStateException("client gone");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("client gone");
        assertThat(producerRunning).as("producer joined before forEach returned").isFalse();
    }

    @Test
    void aFailingSourceFailsTheCaller() {
        assertThatThrownBy(() -> new PlatformProducer<Integer>("test", 4, 1).forEach(sink -> {
            sink.accept(1);
            throw new SQLException("disk gone");
        }, item -> { })).hasMessageContaining("disk gone");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
