package io.keel.bench.load;

import io.keel.bench.BenchException;
import io.keel.bench.Loopback;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the external {@code wrk} tool (Debian: {@code apt-get install -y wrk}) for closed-loop peak throughput, with a
 * generated Lua script that adds the headers (auth) and rotates over the given paths. Blocks for the duration; the
 * process is killed if it overruns by 30 s. Stateless.
 */
public final class WrkRunner {
    public static final String INSTALL_HINT = "wrk is not installed; for peak figures from a native client install it "
            + "with `apt-get install -y wrk` (Debian/Ubuntu). Using the built-in Java closed-loop runner instead.";

    private WrkRunner() {
    }

    /** The wrk executable on PATH, if any. */
    public static Optional<Path> find() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(s -> !s.isBlank())
                .map(dir -> Path.of(dir, "wrk")).filter(Files::isExecutable).findFirst();
    }

    /** Lua script for wrk: fixed headers, round-robin over {@code paths}. */
    static String script(Map<String, String> headers, List<String> paths) {
        StringBuilder lua = new StringBuilder();
        headers.forEach((k, v) -> lua.append("wrk.headers[").append(lit(k)).append("] = ").append(lit(v))
                .append('\n'));
        lua.append("local paths = {").append(paths.stream().map(WrkRunner::lit).collect(Collectors.joining(", ")))
                .append("}\nlocal i = 0\nrequest = function()\n  i = (i % #paths) + 1\n")
                .append("  return wrk.format(\"GET\", paths[i])\nend\n");
        return lua.toString();
    }

    /** Runs wrk against {@code base} and parses its output. */
    public static PeakResult run(Path wrk, RequestClass c, URI base, Map<String, String> headers, List<String> paths,
                                 int connections, Duration duration, Optional<String> cpus) {
        Loopback.require(base);
        if (paths.isEmpty()) {
            throw new BenchException("wrk needs at least one path");
        }
        try {
            Path lua = Files.createTempFile("keel-bench-", ".lua");
            try {
                Files.writeString(lua, script(headers, paths), StandardCharsets.UTF_8);
                int threads = Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
                List<String> cmd = new ArrayList<>();
                cpus.ifPresent(list -> cmd.addAll(List.of("taskset", "-c", list)));
                cmd.addAll(List.of(wrk.toString(), "-t" + threads, "-c" + connections,
                        "-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "--timeout", "10s",
                        "-s", lua.toString(), base.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new BenchException("wrk did not finish: " + String.join(" ", cmd));
                }
                String text = new String(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new BenchException("wrk exited with " + p.exitValue() + ": " + text);
                }
                return WrkOutput.parse(c.name(), "wrk (" + connections + " connections, " + threads + " threads)",
                        text);
            } finally {
                Files.deleteIfExists(lua);
            }
        } catch (IOException e) {
            throw new BenchException("could not run wrk: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running wrk", e);
        }
    }

    private static String lit(String s) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new BenchException("header or path for wrk contains a line break: " + s);
        }
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
