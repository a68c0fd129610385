package io.keel.runtime.process;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor's pipe: lines in pieces, an over-long line, a failing command, and the pipe's end. */
class ParentWatchTest {
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final CountDownLatch gone = new CountDownLatch(1);

    private void write(PipedOutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void linesArriveWholeWhateverPiecesTheyComeInAndTheEndOfThePipeMeansTheSupervisorIsGone() throws Exception {
        PipedOutputStream out = new PipedOutputStream();
        Thread watch = ParentWatch.start(new PipedInputStream(out, 4096), commands::add, gone::countDown);

        write(out, "acti");
        write(out, "vate\r\n  status \n");
        write(out, "a".repeat(ParentWatch.MAX_LINE + 100) + "\nlast");
        out.close();

        assertThat(gone.await(10, TimeUnit.SECONDS)).isTrue();
        watch.join(10_000);
        assertThat(commands).as("cut at MAX_LINE; a line without its end is no command")
                .containsExactly("activate", "status", "a".repeat(ParentWatch.MAX_LINE));
    }

    @Test
    void aCommandThatThrowsDoesNotStopTheWatchFromSeeingTheSupervisorGo() throws Exception {
        PipedOutputStream out = new PipedOutputStream();
        ParentWatch.start(new PipedInputStream(out, 4096), line -> {
            if (line.equals("boom")) {
                throw new IllegalStateException("activation failed");
            }
            commands.add(line);
        }, gone::countDown);

        write(out, "boom\nactivate\n");
        out.close();

        assertThat(gone.await(10, TimeUnit.SECONDS)).as("the stop still runs after a failed command").isTrue();
        assertThat(commands).containsExactly("activate");
    }
}
