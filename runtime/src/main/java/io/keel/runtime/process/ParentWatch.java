package io.keel.runtime.process;

import java.io.IOException;
import java.io.InputStream;

/**
 * Stops a supervised worker when its supervisor dies: the supervisor keeps the write end of the worker's standard
 * input open and never writes; the kernel closes it when the supervisor exits for any reason (SIGKILL included), and
 * the read here returns end-of-file. Linux's PR_SET_PDEATHSIG, without native code. One daemon thread, blocked in
 * {@code read}; bounded: it reads and discards at most what the supervisor writes (nothing).
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    /** Starts the watch; {@code onParentGone} runs once, on the watch thread, when standard input ends. */
    public static Thread start(InputStream stdin, Runnable onParentGone) {
        Thread watch = Thread.ofPlatform().daemon().name("keel-parent-watch").unstarted(() -> {
            byte[] discard = new byte[64];
            try {
                while (stdin.read(discard) >= 0) {
                    // the supervisor writes nothing; keep waiting for end-of-file
                }
            } catch (IOException e) {
                // a broken pipe means the same as end-of-file: the supervisor is gone
            }
            onParentGone.run();
        });
        watch.start();
        return watch;
    }
}
