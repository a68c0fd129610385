package io.keel.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review finding: a carrier thread created while a nice-19 pool worker wakes a virtual thread would inherit nice 19,
 * and without CAP_SYS_NICE the JVM cannot lower it again, so requests would run below the heavy work. Wake-ups go
 * through a relay thread at the JVM's nice value. Fresh JVM per run, because carriers live on in a used one.
 */
class CpuPoolCarrierNiceTest {
    @Test
    void aCarrierCreatedWhenATaskWakesItsCallerRunsAtTheCallersNiceNotTheWorkers() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.virtualThreadScheduler.parallelism=2", "-Djdk.virtualThreadScheduler.maxPoolSize=2",
                "-cp", System.getProperty("java.class.path"), CarrierNiceProbe.class.getName());
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int own = CarrierNiceProbe.kernelNice();
        assertThat(own).as("the test needs a JVM below the pool's nice 19 to tell them apart").isLessThan(19);
        assertThat(out).contains("main at nice " + own + "; caller resumed on a carrier at nice " + own);
    }
}
