package io.keel.bench.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drains a child process's output on one daemon thread (a child whose pipe is not read would block), appends every
 * line to a log file, remembers the last {@value #TAIL_LINES} lines for error messages, and reports the first line
 * matching a pattern. Memory is bounded by the tail. Thread-safe.
 */
public final class ProcessOutput {
    static final int TAIL_LINES = 40;

    private final Deque<String> tail = new ArrayDeque<>();
    private final CompletableFuture<Optional<Matcher>> match = new CompletableFuture<>();
    private final Thread thread;

    private ProcessOutput(Process process, Path logFile, Pattern pattern) {
        this.thread = Thread.ofPlatform().daemon().name("bench-child-output-" + process.pid())
                .start(() -> copy(process, logFile, pattern));
    }

    public static ProcessOutput pump(Process process, Path logFile, Pattern pattern) {
        return new ProcessOutput(process, logFile, pattern);
    }

    /** The first matching line, or empty when the output ended or {@code timeout} passed without one. */
    public Optional<Matcher> awaitMatch(Duration timeout) {
        try {
            return match.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Waits (bounded) until the child's output has ended and everything is in the log file. */
    public void awaitEnd(Duration timeout) {
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized String tail() {
        return String.join("\n", tail);
    }

    private void copy(Process process, Path logFile, Pattern pattern) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                file.write(line);
                file.write('\n');
                file.flush();
                remember(line);
                if (!match.isDone()) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        match.complete(Optional.of(m));
                    }
                }
            }
        } catch (IOException e) {
            remember("(reading the child's output failed: " + e + ")");
        } finally {
            match.complete(Optional.empty());
        }
    }

    private synchronized void remember(String line) {
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(line.length() > 2_000 ? line.substring(0, 2_000) + "..." : line);
    }
}
