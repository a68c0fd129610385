package io.keel.store.orders;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The figures the business watches: orders placed ({@code keel_orders_total}), revenue per currency
 * ({@code keel_revenue_cents_total{currency}}), order value distribution ({@code keel_order_value_cents}, a histogram)
 * and distinct active users in the last 5 minutes ({@code keel_active_users}). Idempotent replays are not counted.
 * Currency label values come from the catalog's currencies, so cardinality is bounded by it. Thread-safe.
 */
public final class BusinessMetrics {
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
