package io.keel.runtime.http;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LogSamplerTest {
    @Test
    void letsThroughOnlyTheBudgetOfLinesInABurst() {
        LogSampler sampler = new LogSampler(LoggerFactory.getLogger(LogSamplerTest.class), "test events", 10);
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (sampler.tryLog()) {
                allowed++;
            }
        }
        // a burst may straddle one second boundary, never more in a loop this short
        assertThat(allowed).isBetween(10, 20);
    }
}
