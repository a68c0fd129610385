package io.keel.store.events;

import java.time.Duration;
import java.util.Objects;

/**
 * How an instance reads the shared order event feed on PostgreSQL ({@link OrderEvents#shared}).
 *
 * @param poll         longest wait for a notification before the listener reads the feed anyway, which also proves
 *                     its connection alive ({@code KEEL_EVENTS_POLL}, 1s, 10ms..1m)
 * @param reconnectMax longest wait between reconnect attempts; the wait starts at 100 ms and doubles
 *                     ({@code KEEL_EVENTS_RECONNECT_MAX}, 10s, 100ms..5m)
 * @param batch        events read per query, by the listener and by a {@code Last-Event-ID} replay
 *                     ({@code KEEL_EVENTS_BATCH}, 500, 1..1000)
 */
public record EventFeedSettings(Duration poll, Duration reconnectMax, int batch) {
    public EventFeedSettings {
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(reconnectMax, "reconnectMax");
        if (batch < 1 || batch > 1000) {
            throw new IllegalArgumentException("events batch must be in 1..1000, was " + batch);
        }
    }
}
