package io.keel.runtime.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.runtime.http.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A service's own figures on the dashboard: read the way the figure says, windowed by a clock the test moves. */
class DashboardFiguresTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Json json = Json.create();
    private final Dashboard dashboard = Dashboard.create(registry, json, clock::get);

    @AfterEach
    void close() {
        registry.close();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    private JsonNode figure(String name) throws Exception {
        for (JsonNode f : json.mapper().readTree(json.bytes(dashboard.stats())).get("figures")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no figure " + name);
    }

    @Test
    void aRateIsTheCountersIncreaseOverItsWindowWithItsTotal() throws Exception {
        Counter sales = registry.counter("shop.sales");
        dashboard.addFigure(Figure.rate("sales", "shop.sales").label("Sales per minute").group("Shop").unit("sales")
                .perMinute().window(Duration.ofSeconds(60)));
        sales.increment(30);
        advance(Duration.ofSeconds(60));
        JsonNode f = figure("sales");
        assertThat(f.get("kind").asText()).isEqualTo("rate");
        assertThat(f.get("per").asText()).isEqualTo("minute");
        assertThat(f.get("label").asText()).isEqualTo("Sales per minute");
        assertThat(f.get("group").asText()).isEqualTo("Shop");
        assertThat(f.get("unit").asText()).isEqualTo("sales");
        assertThat(f.get("value").asDouble()).isEqualTo(30.0);
        assertThat(f.get("total").asDouble()).isEqualTo(30.0);

        sales.increment(6);
        advance(Duration.ofSeconds(60));
        JsonNode later = figure("sales");
        assertThat(later.get("value").asDouble()).isEqualTo(6.0);
        assertThat(later.get("total").asDouble()).isEqualTo(36.0);
        assertThat(later.get("windowSeconds").asDouble()).isEqualTo(60.0);
    }

    @Test
    void aRatioDividesTheIncreasesOverTheWindowAndAllTimeScaledAndFilteredByTag() throws Exception {
        Counter orders = registry.counter("shop.orders");
        Counter usd = registry.counter("shop.revenue.cents", "currency", "USD");
        Counter eur = registry.counter("shop.revenue.cents", "currency", "EUR");
        dashboard.addFigure(Figure.ratio("perOrder", "shop.revenue.cents", "shop.orders").unit("USD").scale(0.01)
                .tag("currency", "USD"));
        orders.increment(10);
        usd.increment(10_000);
        eur.increment(99_999);
        advance(Duration.ofSeconds(10));
        // Tags filter both meters: shop.orders has no currency tag, so a tag-filtered ratio finds no denominator.
        assertThat(figure("perOrder").get("value").isNull()).isTrue();

        dashboard.addFigure(Figure.ratio("avg", "shop.revenue.cents", "shop.orders").scale(0.01));
        advance(Duration.ofSeconds(10));
        orders.increment(2);
        usd.increment(1_000);
        advance(Duration.ofSeconds(10));
        JsonNode avg = figure("avg");
        assertThat(avg.get("kind").asText()).isEqualTo("ratio");
        assertThat(avg.get("value").asDouble()).isEqualTo(5.0);
        assertThat(avg.get("overall").asDouble()).isCloseTo(1109.99 / 12, within(0.01));
    }

    @Test
    void aPercentileCoversOnlyTheWindowOfADistributionSummary() throws Exception {
        DistributionSummary value = DistributionSummary.builder("shop.order.value").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(100_000.0).register(registry);
        dashboard.addFigure(Figure.percentile("p90", "shop.order.value", 0.9).unit("USD").scale(0.01));
        for (int i = 0; i < 100; i++) {
            value.record(1_000);
        }
        advance(Duration.ofSeconds(10));
        assertThat(figure("p90").get("value").asDouble()).isBetween(8.0, 12.0);
        for (int i = 0; i < 100; i++) {
            value.record(50_000);
        }
        advance(Duration.ofSeconds(10));
        JsonNode f = figure("p90");
        assertThat(f.get("value").asDouble()).isBetween(400.0, 600.0);
        assertThat(f.get("quantile").asDouble()).isEqualTo(0.9);
    }

    @Test
    void aTimerPercentileIsInSeconds() throws Exception {
        Timer timer = Timer.builder("shop.checkout").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        dashboard.addFigure(Figure.percentile("checkout", "shop.checkout", 0.5).unit("seconds"));
        for (int i = 0; i < 50; i++) {
            timer.record(Duration.ofMillis(200));
        }
        advance(Duration.ofSeconds(10));
        assertThat(figure("checkout").get("value").asDouble()).isBetween(0.15, 0.25);
    }

    @Test
    void aGaugeReadsItsMeterOrSupplierAndAMissingMeterIsNull() throws Exception {
        Gauge.builder("shop.carts", () -> 12).tag("region", "eu").strongReference(true).register(registry);
        Gauge.builder("shop.carts", () -> 3).tag("region", "us").strongReference(true).register(registry);
        Gauge.builder("shop.disk.bytes", () -> 3e15).strongReference(true).register(registry);
        dashboard.addFigure(Figure.gauge("disk", "shop.disk.bytes").unit("bytes"))
                .addFigure(Figure.gauge("carts", "shop.carts"))
                .addFigure(Figure.gauge("euCarts", "shop.carts").tag("region", "eu"))
                .addFigure(Figure.gauge("mood", () -> Optional.of("sunny")))
                .addFigure(Figure.gauge("absent", "no.such.meter"))
                .addFigure(Figure.rate("absentRate", "no.such.counter"));
        advance(Duration.ofSeconds(1));
        assertThat(figure("carts").get("value").asDouble()).isEqualTo(15.0);
        assertThat(figure("disk").get("value").asDouble()).isEqualTo(3e15);
        assertThat(figure("euCarts").get("value").asDouble()).isEqualTo(12.0);
        assertThat(figure("mood").get("value").asText()).isEqualTo("sunny");
        assertThat(figure("absent").get("value").isNull()).isTrue();
        assertThat(figure("absentRate").get("value").isNull()).isTrue();
        assertThat(figure("absentRate").get("total").isNull()).isTrue();
    }

    @Test
    void figuresAppearInRegistrationOrder() throws Exception {
        dashboard.addFigure(Figure.gauge("b", () -> 1)).addFigure(Figure.gauge("a", () -> 2));
        JsonNode figures = json.mapper().readTree(json.bytes(dashboard.stats())).get("figures");
        assertThat(figures).extracting(f -> f.get("name").asText()).containsExactly("b", "a");
    }

    @Test
    void aFailingOrOddFigureReadsNullOrAsTextAndTheRestStillShows() throws Exception {
        dashboard.addFigure(Figure.gauge("broken", () -> {
            throw new IllegalStateException("backend down");
        })).addFigure(Figure.gauge("notANumber", () -> Double.NaN))
                .addFigure(Figure.gauge("thing", () -> List.of(1, 2))).addFigure(Figure.gauge("ok", () -> 1));
        assertThat(figure("broken").get("value").isNull()).isTrue();
        assertThat(figure("notANumber").get("value").isNull()).isTrue();
        assertThat(figure("thing").get("value").asText()).isEqualTo("[1, 2]");
        assertThat(figure("ok").get("value").asInt()).isEqualTo(1);
    }

    @Test
    void badFiguresAndTooManyFiguresAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Figure.gauge("", () -> 1)).hasMessageContaining("figure name was ''");
        assertThatThrownBy(() -> Figure.gauge("9lives", () -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Figure.gauge("a b", () -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Figure.rate(null, "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Figure.gauge("x", (Supplier<?>) null))
                .hasMessageContaining("no value supplier");
        assertThatThrownBy(() -> Figure.rate("x", " ")).hasMessageContaining("meter was ' '");
        assertThatThrownBy(() -> Figure.percentile("x", "m", 1.5)).hasMessageContaining("quantile was 1.5");
        assertThatThrownBy(() -> Figure.rate("x", "m").window(Duration.ofMinutes(2)))
                .hasMessageContaining("window was PT2M, allowed: 1s..60s");
        assertThatThrownBy(() -> Figure.gauge("x", "m").perMinute()).hasMessageContaining("only a RATE");
        assertThatThrownBy(() -> Figure.gauge("x", () -> 1).tag("a", "b")).hasMessageContaining("tag was a=b");
        assertThatThrownBy(() -> Figure.gauge("x", "m").scale(Double.NaN)).hasMessageContaining("scale was NaN");
        assertThatThrownBy(() -> Figure.gauge("x", "m").label(" ")).hasMessageContaining("label was ' '");
        assertThatThrownBy(() -> dashboard.addFigure(null)).hasMessageContaining("figure was null");
        dashboard.addFigure(Figure.gauge("carts", () -> 1));
        assertThatThrownBy(() -> dashboard.addFigure(Figure.rate("carts", "m"))).hasMessageContaining("already taken");
        for (int i = 1; i < Figures.MAX_FIGURES; i++) {
            dashboard.addFigure(Figure.gauge("f" + i, () -> 0));
        }
        assertThatThrownBy(() -> dashboard.addFigure(Figure.gauge("oneTooMany", () -> 0)))
                .hasMessageContaining("limit");
    }
}
