package io.keel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Pins this JVM (every thread, and threads it creates later inherit it) to a CPU list with {@code taskset}, so the
 * load generator and the service, pinned with {@code --pin-service}, do not compete for the same cores. Only worth
 * it with enough cores for both. Stateless.
 */
final class Pinning {
    private Pinning() {
    }

    static void pinSelf(String cpus, PrintStream log) {
        if (!cpus.matches("[0-9]+([-,][0-9]+)*")) {
            throw new BenchException("--pin-generator must be a CPU list like 0 or 0-1 or 0,2, got '" + cpus + "'");
        }
        long pid = ProcessHandle.current().pid();
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-cp", cpus, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new BenchException("taskset could not pin the generator to CPUs " + cpus + ": " + out);
            }
            log.println("load generator pinned to CPUs " + cpus);
        } catch (IOException e) {
            throw new BenchException("cannot run taskset (util-linux) to pin the generator: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while pinning the generator", e);
        }
    }
}
