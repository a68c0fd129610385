package io.keel.runtime.dashboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The "business" section: the store's meters (orders, revenue, order value, active users) plus figures the
 * application adds by name. A figure whose supplier throws shows as null and is logged once per failure streak, so a
 * broken figure never breaks the dashboard or floods the log.
 *
 * <p>Thread-safe: figures may be added while stats are being read. Bounded to {@link #MAX_FIGURES} figures. Suppliers
 * run on the stats request's thread, one at a time, so they should be cheap (read a field or a meter).
 */
final class BusinessFigures {
    static final int MAX_FIGURES = 32;
    static final Set<String> BUILT_IN = Set.of("ordersTotal", "ordersPerMinute", "revenueCents",
            "avgOrderValueCents", "recentAvgOrderValueCents", "activeUsers");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    private static final Logger LOG = LoggerFactory.getLogger(BusinessFigures.class);

    /** A named supplier; {@code failing} is guarded by the owner's monitor. */
    private static final class Figure {
        private final Supplier<Object> value;
        private boolean failing;

        Figure(Supplier<Object> value) {
            this.value = value;
        }
    }

    private final MeterReader meters;
    private final Map<String, Figure> figures = new LinkedHashMap<>();

    BusinessFigures(MeterReader meters) {
        this.meters = meters;
    }

    /** @throws IllegalArgumentException for a bad or taken name, or when {@link #MAX_FIGURES} are registered */
    synchronized void add(String name, Supplier<Object> value) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("figure name was '" + name
                    + "', allowed: a letter then up to 63 letters, digits, '_', '.' or '-'");
        }
        if (value == null) {
            throw new IllegalArgumentException("figure '" + name + "' has no value supplier");
        }
        if (BUILT_IN.contains(name) || figures.containsKey(name)) {
            throw new IllegalArgumentException("figure name '" + name + "' is already taken; taken: "
                    + BUILT_IN + " and " + figures.keySet());
        }
        if (figures.size() >= MAX_FIGURES) {
            throw new IllegalArgumentException("cannot add figure '" + name + "': the dashboard already shows "
                    + MAX_FIGURES + " figures, its limit");
        }
        figures.put(name, new Figure(value));
    }

    /** The business section for a document whose business window starts at {@code minute}. */
    Map<String, Object> figures(Sample now, Sample minute) {
        Map<String, Object> business = new LinkedHashMap<>();
        OptionalDouble orders = meters.count("keel.orders");
        business.put("ordersTotal", StatsCollector.whole(orders));
        Double perSecond = orders.isPresent() ? StatsCollector.rate(now.orders() - minute.orders(),
                now.seconds(minute)) : null;
        business.put("ordersPerMinute", perSecond == null ? null : StatsCollector.round(perSecond * 60, 2));
        Map<String, Double> revenue = meters.countByTag("keel.revenue.cents", "currency");
        business.put("revenueCents", revenue.isEmpty() ? null : wholeValues(revenue));
        OptionalDouble count = meters.count("keel.order.value.cents");
        OptionalDouble total = meters.totalAmount("keel.order.value.cents");
        business.put("avgOrderValueCents", count.isPresent() && count.getAsDouble() > 0
                ? StatsCollector.round(total.orElse(0) / count.getAsDouble(), 1) : null);
        double recentCount = now.orderValueCount() - minute.orderValueCount();
        double recentTotal = now.orderValueCents() - minute.orderValueCents();
        business.put("recentAvgOrderValueCents", recentCount > 0 && recentTotal >= 0
                ? StatsCollector.round(recentTotal / recentCount, 1) : null);
        business.put("activeUsers", StatsCollector.whole(meters.value("keel.active.users")));
        custom(business);
        return business;
    }

    private synchronized void custom(Map<String, Object> business) {
        for (Map.Entry<String, Figure> entry : figures.entrySet()) {
            Figure figure = entry.getValue();
            try {
                business.put(entry.getKey(), plain(figure.value.get()));
                figure.failing = false;
            } catch (RuntimeException e) {
                business.put(entry.getKey(), null);
                if (!figure.failing) {
                    LOG.warn("dashboard figure '{}' failed; showing null until it recovers", entry.getKey(), e);
                }
                figure.failing = true;
            }
        }
    }

    /**
     * Numbers, booleans and strings pass as they are, an {@link Optional} is unwrapped, NaN and
     * infinities become null (JSON has no such numbers), anything else becomes its
     * {@code toString()}: an arbitrary object could fail to serialise and take the whole document down with it.
     */
    static Object plain(Object value) {
        Object v = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        if ((v instanceof Double d && !Double.isFinite(d)) || (v instanceof Float f && !Float.isFinite(f))) {
            return null;
        }
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
            return v;
        }
        return String.valueOf(v);
    }

    private static Map<String, Long> wholeValues(Map<String, Double> values) {
        Map<String, Long> result = new LinkedHashMap<>();
        values.forEach((k, v) -> result.put(k, Math.round(v)));
        return result;
    }
}
