package io.keel.runtime.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Opens {@link RowStreamWriter}s for streamed responses (exports) and owns their metrics:
 * {@code keel_stream_bytes_total{stream}} and {@code keel_streams_active{stream}}.
 * <p>
 * Thread-safe. Stream names become metric tags, so they must be a small fixed set chosen in code (for example
 * {@code orders_export}), never values from requests; each distinct name keeps one gauge for the life of this object.
 */
public final class RowStreams {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /**
     * Settings of the row streams.
     *
     * @param bufferBytes bytes buffered per open stream before a socket write, 512..16 MiB; default 64 KiB
     */
    public record Config(int bufferBytes) {
        public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

        public Config {
            if (bufferBytes < 512 || bufferBytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("row stream bufferBytes must be in 512..16777216, was "
                        + bufferBytes);
            }
        }

        public static Config defaults() {
            return new Config(DEFAULT_BUFFER_BYTES);
        }
    }

    private final Config config;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, AtomicInteger> active = new ConcurrentHashMap<>();

    private RowStreams(Config config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public static RowStreams create(Config config, MeterRegistry registry) {
        return new RowStreams(Objects.requireNonNull(config, "config"), Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Wraps a response body stream. Does not block. The returned writer must be closed (try-with-resources), which
     * flushes it and ends its count in {@code keel_streams_active}.
     *
     * @param streamName metric tag, lower-case letters, digits and '_' (e.g. {@code orders_export})
     * @param out        the response body; closed when the writer is closed
     */
    public RowStreamWriter open(String streamName, OutputStream out) {
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(out, "out");
        if (!NAME.matcher(streamName).matches()) {
            throw new IllegalArgumentException("stream name must match " + NAME + ", was '" + streamName + "'");
        }
        AtomicInteger gauge = active.computeIfAbsent(streamName, name -> {
            AtomicInteger count = new AtomicInteger();
            Gauge.builder("keel.streams.active", count, AtomicInteger::get).tag("stream", name)
                    .description("Streamed responses in progress").register(registry);
            return count;
        });
        Counter bytes = Counter.builder("keel.stream.bytes").tag("stream", streamName)
                .description("Body bytes streamed").baseUnit("bytes").register(registry);
        return new RowStreamWriter(out, config.bufferBytes, bytes, gauge);
    }
}
