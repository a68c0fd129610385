package io.keel.store.exports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * One exported order: the order's own columns plus its number of lines. Serialised with the CSV column names, so a
 * CSV and an NDJSON export of the same window carry the same fields. Immutable.
 */
@JsonPropertyOrder({"id", "user_id", "created_at", "status", "currency", "total_cents", "item_count"})
public record ExportRow(
        long id,
        @JsonProperty("user_id") long userId,
        @JsonProperty("created_at") Instant createdAt,
        String status,
        String currency,
        @JsonProperty("total_cents") long totalCents,
        @JsonProperty("item_count") int itemCount) {
}
