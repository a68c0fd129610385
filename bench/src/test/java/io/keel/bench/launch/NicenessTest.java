package io.keel.bench.launch;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NicenessTest {
    @Test
    void theNiceValueIsReadAfterACommandNameHoldingSpacesAndParentheses(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (java (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 20 -10 31 0 "
                + "12345 0 0\n");

        assertThat(Niceness.nice(stat)).isEqualTo(-10);
        assertThat(Niceness.nice(dir.resolve("missing"))).isZero();
    }

    @Test
    void aServiceStartedByARaisedGeneratorIsPutBackAtNiceZero() {
        assertThat(Niceness.atServicePriority(List.of("java", "-version"), -10))
                .containsExactly("nice", "-n", "10", "java", "-version");
        assertThat(Niceness.atServicePriority(List.of("java", "-version"), 0)).containsExactly("java", "-version");
    }

    @Test
    void aNiceValueOutsideMinusTwentyToZeroIsRefused() {
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Niceness.raiseSelf(1, log)).isInstanceOf(BenchException.class)
                .hasMessageContaining("--generator-nice must be in -20..0, got 1");
        assertThatThrownBy(() -> Niceness.raiseSelf(-21, log)).isInstanceOf(BenchException.class);
    }

    @Test
    void raisingTheGeneratorEitherTakesEffectWithTheServicesBackAtZeroOrSaysWhyNot() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int before = Niceness.own();
        int target = Math.max(Niceness.MIN, Math.min(before, 0) - 1);

        int now = Niceness.raiseSelf(target, new PrintStream(out, true, StandardCharsets.UTF_8));

        String logged = out.toString(StandardCharsets.UTF_8);
        if (now == target) {
            assertThat(logged).contains("load generator at nice " + target);
            List<String> cmd = new ArrayList<>(Niceness.atServicePriority(
                    List.of("sh", "-c", "cut -d' ' -f19 /proc/self/stat")));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String childNice = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertThat(p.waitFor()).isZero();
            assertThat(childNice).isEqualTo("0");
        } else {
            assertThat(now).isEqualTo(before);
            assertThat(logged).contains("load generator stays at nice " + before);
        }
    }
}
