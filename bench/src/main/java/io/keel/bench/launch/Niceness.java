package io.keel.bench.launch;

import io.keel.bench.BenchException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scheduling priority of the load generator against the processes it measures. On a machine with fewer cores than
 * runnable threads, an open-loop generator at the services' priority wakes late whenever they keep every core busy,
 * and its dispatch lag then measures the scheduler, not the service. The tool therefore raises itself (every thread
 * of this JVM; threads created later inherit it) to a lower nice value, and starts every process it measures (the
 * store, the Node.js peer, their seeders, psql) back at nice 0, so both services compete for the cores on equal terms
 * and only the generator is favoured. wrk, part of the generator, keeps the generator's priority. Linux only; raising
 * needs root or CAP_SYS_NICE, without which the tool says so and runs at its normal priority. Stateless: the nice value
 * in force is read from {@code /proc} each time.
 */
public final class Niceness {
    /** Lowest (most favoured) nice value Linux accepts. */
    public static final int MIN = -20;

    private Niceness() {
    }

    /**
     * Renices every thread of this JVM to {@code nice} (-20..0; 0 does nothing). Returns the nice value in force
     * afterwards, and logs a line either way.
     */
    public static int raiseSelf(int nice, PrintStream log) {
        if (nice < MIN || nice > 0) {
            throw new BenchException("--generator-nice must be in " + MIN + "..0, got " + nice);
        }
        if (nice == 0) {
            return own();
        }
        List<String> cmd = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        cmd.addAll(threadIds());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                log.println("load generator stays at nice " + own() + " (renice to " + nice + " refused; it needs "
                        + "root or CAP_SYS_NICE): " + out.lines().findFirst().orElse(""));
                return own();
            }
        } catch (IOException e) {
            log.println("load generator stays at nice " + own() + " (cannot run renice: " + e.getMessage() + ")");
            return own();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while raising the generator's priority", e);
        }
        log.println("load generator at nice " + own() + ", the services it starts at nice 0");
        return own();
    }

    /** {@code command} prefixed with {@code nice -n N} so that it runs at nice 0 when this JVM runs below it. */
    public static List<String> atServicePriority(List<String> command) {
        return atServicePriority(command, own());
    }

    static List<String> atServicePriority(List<String> command, int own) {
        if (own >= 0) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of("nice", "-n", Integer.toString(-own)));
        cmd.addAll(command);
        return cmd;
    }

    /** This JVM's nice value (its main thread's; the tool keeps all of its threads at one value), 0 off Linux. */
    public static int own() {
        return nice(Path.of("/proc/self/stat"));
    }

    static int nice(Path stat) {
        try {
            String s = Files.readString(stat);
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, nice 19.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ", -1);
            return Integer.parseInt(f[16]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static List<String> threadIds() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.map(t -> t.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new BenchException("cannot list this JVM's threads in /proc/self/task: " + e.getMessage(), e);
        }
    }
}
