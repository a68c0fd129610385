package io.keel.supervisor;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsMergeTest {
    private static final String SCRAPE = """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{route="/a b",status="200"} 5.0
            # HELP jvm_threads Threads.
            # TYPE jvm_threads gauge
            jvm_threads 12.0
            """;

    @Test
    void eachFamilyIsWrittenOnceWithEveryWorkersSamplesLabelledByItsSlot() {
        Map<Integer, String> scrapes = new TreeMap<>(Map.of(1, SCRAPE, 2, SCRAPE.replace("5.0", "7.0")));

        assertThat(MetricsMerge.merge(scrapes)).isEqualTo("""
                # HELP http_requests_total Requests.
                # TYPE http_requests_total counter
                http_requests_total{worker="1",route="/a b",status="200"} 5.0
                http_requests_total{worker="2",route="/a b",status="200"} 7.0
                # HELP jvm_threads Threads.
                # TYPE jvm_threads gauge
                jvm_threads{worker="1"} 12.0
                jvm_threads{worker="2"} 12.0
                """);
    }

    @Test
    void aSampleWithEmptyLabelsGetsTheWorkerLabelAlone() {
        assertThat(MetricsMerge.labelled("up{} 1", 3)).isEqualTo("up{worker=\"3\"} 1");
    }

    @Test
    void noWorkerAnsweringIsAnEmptyExposition() {
        assertThat(MetricsMerge.merge(Map.of())).isEmpty();
    }
}
