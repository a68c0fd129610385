package io.keel.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Stops a supervised worker when its supervisor dies, and carries the supervisor's few commands: the supervisor keeps
 * the write end of the worker's standard input open; the kernel closes it when the supervisor exits for any reason
 * (SIGKILL included), and the read here returns end-of-file. Linux's PR_SET_PDEATHSIG, without native code. What the
 * supervisor writes is a line protocol ({@code activate} wakes a standby worker), each line handed to
 * {@code onCommand}. One daemon thread, blocked in {@code read}; bounded: a line longer than {@link #MAX_LINE} bytes is
 * cut there (the rest is dropped), nothing else is kept. A command that throws is logged and the watch goes on.
 */
public final class ParentWatch {
    /** Longest command line kept; the supervisor's commands are single words. */
    public static final int MAX_LINE = 256;

    private ParentWatch() {
    }

    /** Starts the watch ignoring commands; {@code onParentGone} runs once, on the watch thread, when stdin ends. */
    public static Thread start(InputStream stdin, Runnable onParentGone) {
        return start(stdin, command -> { }, onParentGone);
    }

    /**
     * Starts the watch: {@code onCommand} runs on the watch thread for every line (without its line end) as it
     * arrives, {@code onParentGone} once when standard input ends. Neither may block for long: the next line waits.
     */
    public static Thread start(InputStream stdin, Consumer<String> onCommand, Runnable onParentGone) {
        Thread watch = Thread.ofPlatform().daemon().name("keel-parent-watch").unstarted(() -> {
            byte[] buffer = new byte[64];
            byte[] line = new byte[MAX_LINE];
            int length = 0;
            try {
                int read;
                while ((read = stdin.read(buffer)) >= 0) {
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            command(onCommand, new String(line, 0, length, StandardCharsets.UTF_8).strip());
                            length = 0;
                        } else if (length < MAX_LINE) {
                            line[length++] = buffer[i];
                        }
                    }
                }
            } catch (IOException e) {
                // a broken pipe means the same as end-of-file: the supervisor is gone
            }
            onParentGone.run();
        });
        watch.start();
        return watch;
    }

    /** A command that fails is logged and the watch goes on: it must still see the supervisor go. */
    private static void command(Consumer<String> onCommand, String line) {
        try {
            onCommand.accept(line);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ParentWatch.class).error("supervisor command '{}' failed", line, e);
        }
    }
}
