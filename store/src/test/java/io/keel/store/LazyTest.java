package io.keel.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LazyTest {
    @Test
    void concurrentFirstCallersGetOneValueMadeOnce() throws InterruptedException {
        AtomicInteger made = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Lazy<Object> lazy = Lazy.of(() -> {
            made.incrementAndGet();
            return new Object();
        });
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(lazy.get());
            }));
        }
        assertThat(made).as("nothing made before the first call").hasValue(0);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(made).hasValue(1);
        assertThat(seen).hasSize(32).allSatisfy(v -> assertThat(v).isSameAs(seen.getFirst()));
    }

    @Test
    void aFailedMakeKeepsNothingAndTheNextCallTriesAgain() {
        AtomicInteger calls = new AtomicInteger();
        Lazy<String> lazy = Lazy.of(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("library missing");
            }
            return "loaded";
        });

        assertThatThrownBy(lazy::get).hasMessage("library missing");
        assertThat(lazy.get()).isEqualTo("loaded");
        assertThat(lazy.get()).isEqualTo("loaded");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aNullValueIsRefused() {
        assertThatThrownBy(() -> Lazy.of(() -> null).get()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null");
    }
}
