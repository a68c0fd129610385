package io.keel.bench.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class NaiveComparisonTest {
    @Test
    void aServiceLogWithAnOutOfMemoryErrorIsReportedAsOom(@TempDir Path dir) throws Exception {
        Path jvm = Files.writeString(dir.resolve("keel.log"), "ok\njava.lang.OutOfMemoryError: Java heap space\n");
        Path node = Files.writeString(dir.resolve("peer.log"), "FATAL ERROR: JavaScript heap out of memory\n");
        Path fine = Files.writeString(dir.resolve("fine.log"), "store ready at http://127.0.0.1:1/\n");

        assertThat(NaiveComparison.ranOutOfMemory(jvm)).isTrue();
        assertThat(NaiveComparison.ranOutOfMemory(node)).isTrue();
        assertThat(NaiveComparison.ranOutOfMemory(fine)).isFalse();
        assertThat(NaiveComparison.ranOutOfMemory(dir.resolve("missing.log"))).isFalse();
    }
}
