package io.keel.store.orders;

import io.keel.runtime.dashboard.Dashboard;
import io.keel.runtime.dashboard.Figure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The figures the business watches: orders placed ({@code keel_orders_total}), revenue per currency
 * ({@code keel_revenue_cents_total{currency}}), order value distribution ({@code keel_order_value_cents}, a histogram)
 * and distinct active users in the last 5 minutes ({@code keel_active_users}). Idempotent replays are not counted.
 * Currency label values come from the catalog's currencies, so cardinality is bounded by it. Thread-safe.
 */
public final class BusinessMetrics {
    private static final String GROUP = "Business";
    private final MeterRegistry registry;
    private final Counter orders;
    private final DistributionSummary orderValue;
    private final ConcurrentMap<String, Counter> revenue = new ConcurrentHashMap<>();

    public BusinessMetrics(MeterRegistry registry, ActiveUsers activeUsers) {
        this.registry = registry;
        this.orders = Counter.builder("keel.orders").description("Orders placed").register(registry);
        this.orderValue = DistributionSummary.builder("keel.order.value.cents")
                .description("Value of each placed order, in minor units of its currency")
                .baseUnit("cents")
                .publishPercentileHistogram()
                .minimumExpectedValue(100.0)
                .maximumExpectedValue(10_000_000.0)
                .register(registry);
        Gauge.builder("keel.active.users", activeUsers, ActiveUsers::estimate)
                .description("Distinct users seen in the last 5 minutes (HyperLogLog estimate)")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The business tiles on the dashboard: orders per minute, revenue per order (in major units, over all
     * currencies), order value p90 and active users. Rates and ratios cover the last minute.
     */
    public void showOn(Dashboard dashboard) {
        Duration minute = Duration.ofMinutes(1);
        dashboard.addFigure(Figure.rate("orders", "keel.orders").label("Orders per minute").unit("orders")
                        .perMinute().window(minute).group(GROUP))
                .addFigure(Figure.ratio("revenuePerOrder", "keel.revenue.cents", "keel.orders")
                        .label("Revenue per order").scale(0.01).window(minute).group(GROUP))
                .addFigure(Figure.percentile("orderValueP90", "keel.order.value.cents", 0.9)
                        .label("Order value p90").scale(0.01).window(minute).group(GROUP))
                .addFigure(Figure.gauge("activeUsers", "keel.active.users").label("Active users (5 min)")
                        .unit("users").group(GROUP));
    }

    public void placed(Order order) {
        orders.increment();
        orderValue.record((double) order.totalCents());
        revenue.computeIfAbsent(order.currency(), c -> Counter.builder("keel.revenue.cents")
                        .description("Revenue of placed orders, in minor units")
                        .tag("currency", c)
                        .register(registry))
                .increment((double) order.totalCents());
    }
}
