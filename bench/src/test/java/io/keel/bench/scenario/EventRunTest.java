package io.keel.bench.scenario;

import io.keel.bench.ExternalService;
import io.keel.bench.load.PhaseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventRunTest {
    @Test
    void theLoadIsCutIntoBeforeDuringAndAfterTheEventAndEveryAcknowledgedOrderIsReadBack(@TempDir Path dir) {
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (FakeStore store = new FakeStore()) {
            RunOptions options = new RunOptions(true, 50, Duration.ofSeconds(2), 4, false, dir, Optional.of("t1"),
                    "test");
            ScenarioContext ctx = new ScenarioContext(new ExternalService(store.url(), OptionalLong.empty(), "test"),
                    options, log);
            OrderMix mix = OrderMix.setup(ctx);
            Ledger ledger = new Ledger(OrderMix.ORDER_CREATE, 1_000);

            EventRun.Windows<String> w = EventRun.run(ctx, "x", d -> mix.specs(50, 20, d, ledger),
                    Duration.ofMillis(700), Duration.ofMillis(700), () -> {
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "done";
                    });

            assertThat(w.event()).isEqualTo("done");
            assertThat(w.phases()).extracting(PhaseResult::name).containsExactly("x-before", "x-during", "x-after");
            assertThat(w.eventMs()).isBetween(500.0, 5_000.0);
            assertThat(w.during().seconds()).isBetween(0.5, 5.0);
            long placed = w.phases().stream().mapToLong(p -> p.get("order-create").ok()).sum();
            double seconds = w.phases().stream().mapToDouble(PhaseResult::seconds).sum();
            assertThat((double) placed).as("20/s over the three windows").isBetween(10.0, 20 * seconds + 5);
            assertThat(ledger.acknowledged()).hasSize((int) placed);
            assertThat(WindowFigures.failed(w)).isZero();
            assertThat(OrderMix.check(ctx, ledger.acknowledged()).allFound()).isTrue();
            assertThat(OrderMix.check(ctx, List.of("12", "gone")).missing()).as("the store answers 404")
                    .containsExactly("gone");
            ctx.collect();
        }
    }
}
