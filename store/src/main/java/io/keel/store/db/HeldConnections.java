package io.keel.store.db;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns HikariCP's leak detection, which only logs, into meters: {@code keel_db_connections_held_too_long_total}
 * (connections borrowed longer than {@code KEEL_DB_LEAK_THRESHOLD}) and
 * {@code keel_db_connections_held_past_threshold} (those not yet returned). Hikari logs the borrower's stack for every such connection; this keeps the first log of
 * each distinct stack and drops repeats, so a leak on a hot path prints its stack once instead of flooding the log.
 *
 * <p>A logback turbo filter on Hikari's {@code ProxyLeakTask} logger, installed by {@link #install} and removed by
 * {@link #close}. Thread-safe; distinct stacks remembered are bounded by {@value #MAX_STACKS} (past that every report
 * is logged again).
 */
final class HeldConnections extends TurboFilter implements AutoCloseable {
    static final String HIKARI_LOGGER = "com.zaxxer.hikari.pool.ProxyLeakTask";
    private static final int MAX_STACKS = 1000;

    private final Counter heldTooLong;
    private final AtomicInteger stillHeld = new AtomicInteger();
    private final Set<String> stacksLogged = ConcurrentHashMap.newKeySet();
    private final LoggerContext loggerContext;

    private HeldConnections(MeterRegistry registry, LoggerContext loggerContext) {
        this.loggerContext = loggerContext;
        this.heldTooLong = Counter.builder("keel.db.connections.held.too.long")
                .description("Connections borrowed from the pool for longer than KEEL_DB_LEAK_THRESHOLD")
                .register(registry);
        Gauge.builder("keel.db.connections.held.past.threshold", stillHeld, AtomicInteger::get)
                .description("Connections held past KEEL_DB_LEAK_THRESHOLD and not yet returned")
                .register(registry);
    }

    /** Counts Hikari's leak reports in {@code registry}; a no-op filter when logback is not the SLF4J backend. */
    static HeldConnections install(MeterRegistry registry) {
        LoggerContext loggerContext = LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null;
        HeldConnections filter = new HeldConnections(registry, loggerContext);
        if (loggerContext != null) {
            filter.start();
            loggerContext.addTurboFilter(filter);
        }
        return filter;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (logger == null || format == null || !HIKARI_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        if (format.startsWith("Connection leak detection triggered")) {
            heldTooLong.increment();
            stillHeld.incrementAndGet();
            Throwable stack = t != null ? t
                    : params != null && params.length > 0 && params[params.length - 1] instanceof Throwable e ? e : null;
            if (stack != null) {
                String key = Arrays.toString(stack.getStackTrace());
                if (stacksLogged.size() < MAX_STACKS && !stacksLogged.add(key)) {
                    return FilterReply.DENY; // this call site's stack is already in the log
                }
            }
        } else if (format.startsWith("Previously reported leaked connection")) {
            stillHeld.updateAndGet(n -> Math.max(0, n - 1));
        }
        return FilterReply.NEUTRAL;
    }

    @Override
    public void close() {
        if (loggerContext != null) {
            loggerContext.getTurboFilterList().remove(this);
        }
        stop();
    }
}
