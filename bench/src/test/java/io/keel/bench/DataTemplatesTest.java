package io.keel.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataTemplatesTest {
    private final PrintStream log = new PrintStream(new ByteArrayOutputStream());

    @Test
    void aTemplateIsSeededOnceAndEveryRunGetsItsOwnCopy(@TempDir Path dir) throws Exception {
        DataTemplates templates = new DataTemplates(dir.resolve("cache"), log);
        AtomicInteger seeds = new AtomicInteger();
        Consumer<Path> seed = d -> {
            seeds.incrementAndGet();
            try {
                Files.createDirectories(d.resolve("db"));
                Files.writeString(d.resolve("db/keel.mv.db"), "orders");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        Path t1 = templates.ensure("keel-h2-1000-orders", seed);
        Path t2 = templates.ensure("keel-h2-1000-orders", seed);
        assertThat(seeds).hasValue(1);
        assertThat(t2).isEqualTo(t1);

        DataTemplates.copy(t1, dir.resolve("run-1"));
        Files.writeString(dir.resolve("run-1/db/keel.mv.db"), "changed by a run");
        DataTemplates.copy(t1, dir.resolve("run-2"));
        assertThat(Files.readString(dir.resolve("run-2/db/keel.mv.db"))).isEqualTo("orders");
        assertThat(Files.readString(t1.resolve("db/keel.mv.db"))).isEqualTo("orders");
    }

    @Test
    void aFailedSeedLeavesNoTemplateBehind(@TempDir Path dir) {
        DataTemplates templates = new DataTemplates(dir, log);
        assertThatThrownBy(() -> templates.ensure("broken", d -> {
            throw new BenchException("seed failed");
        })).hasMessage("seed failed");
        assertThat(dir.resolve("broken")).doesNotExist();
        assertThatThrownBy(() -> templates.ensure("../escape", d -> { })).isInstanceOf(BenchException.class);
    }
}
