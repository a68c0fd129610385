package io.keel.bench.scenario;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LostOrdersTest {
    @Test
    void anOrderIsFoundOn200LostOn404AndUnknownWhenAskingTwiceGivesNoClearAnswer() {
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        Map<String, int[]> answers = Map.of(
                "1", new int[] {200},
                "2", new int[] {404},
                "3", new int[] {503, 200},
                "4", new int[] {-1, -1},
                "5", new int[] {500, 404});

        LostOrders.Result r = LostOrders.check(List.of("1", "2", "3", "4", "5"), id -> {
            int n = asked.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
            return answers.get(id)[n];
        });

        assertThat(r.checked()).isEqualTo(5);
        assertThat(r.missing()).containsExactly("2", "5");
        assertThat(r.unknown()).containsExactly("4");
        assertThat(r.allFound()).isFalse();
        assertThat(asked.get("1")).as("a clear answer is not asked again").hasValue(1);
    }

    @Test
    void nothingAcknowledgedMeansNothingLost() {
        LostOrders.Result r = LostOrders.check(List.of(), id -> 404);
        assertThat(r.allFound()).isTrue();
        assertThat(r.checked()).isZero();
    }
}
