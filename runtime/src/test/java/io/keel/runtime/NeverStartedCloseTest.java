package io.keel.runtime;

import io.keel.runtime.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Keel that never listened (a standby worker whose supervisor went away before activating it) closes without the
 * drain delay: no client can be connected, and the orphan would otherwise hold its resources for the whole delay.
 */
class NeverStartedCloseTest {
    @TempDir
    Path dataDir;

    @Test
    void closingAKeelThatNeverListenedSkipsTheDrainDelay() {
        Keel keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "drain-delay", "60s"))));

        CompletableFuture<Void> closed = CompletableFuture.runAsync(keel::close);

        await("close without the 60 s drain delay").atMost(Duration.ofSeconds(20)).until(closed::isDone);
        assertThat(closed).isCompleted();
    }
}
