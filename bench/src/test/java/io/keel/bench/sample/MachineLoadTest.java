package io.keel.bench.sample;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MachineLoadTest {
    @Test
    void otherProcessesShareIsBusyTimeMinusTheServiceAndTheGeneratorOverAllTime(@TempDir Path proc)
            throws Exception {
        Files.createDirectories(proc.resolve("42/task/42"));
        Files.writeString(proc.resolve("42/status"), "VmRSS:\t1000 kB\n");
        Files.writeString(proc.resolve("42/task/42/children"), "");
        // 2 cores over 1 s = 200 ticks; busy 150 of them, of which our tree used 50.
        Files.writeString(proc.resolve("stat"), "cpu  1000 0 500 8000 100 0 0 0 0 0\n");
        stat(proc, 100, 0);
        MachineLoad load = new MachineLoad(proc);
        MachineLoad.Reading before = load.read(List.of(42L));
        Files.writeString(proc.resolve("stat"), "cpu  1100 0 550 8040 110 0 0 0 0 0\n");
        stat(proc, 140, 10);
        MachineLoad.Reading after = load.read(List.of(42L));

        assertThat(after.otherShareSince(before)).isCloseTo(0.5, Offset.offset(1e-9));
        assertThat(MachineLoad.percent(0.5)).isEqualTo("50.0%");
        assertThat(MachineLoad.percent(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void fileDataTheKernelHadToReadBackIsTheRefaultCounterBetweenReadings(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("stat"), "cpu  1000 0 500 8000 100 0 0 0 0 0\n");
        Files.writeString(proc.resolve("vmstat"), "workingset_refault_anon 7\nworkingset_refault_file 1000\n");
        MachineLoad load = new MachineLoad(proc);
        MachineLoad.Reading before = load.read(List.of());
        Files.writeString(proc.resolve("vmstat"), "workingset_refault_anon 9\nworkingset_refault_file 3500\n");

        assertThat(load.read(List.of()).refaultedMbSince(before)).isCloseTo(2500 * 4096 / 1e6, Offset.offset(1e-9));
    }

    @Test
    void stealIsTheEighthCounterOfTheCpuLine(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("stat"), "cpu  1000 0 500 8000 100 0 0 7 0 0\ncpu0 1 2 3 4 5 6 7 99 0 0\n");
        assertThat(new MachineLoad(proc).stealJiffies()).isEqualTo(7);
        Files.writeString(proc.resolve("stat"), "cpu  1000 0 500 8000\n");
        assertThat(new MachineLoad(proc).stealJiffies()).isEqualTo(-1);
    }

    @Test
    void anUnreadableProcStatGivesNaNNotAFigure(@TempDir Path proc) {
        MachineLoad load = new MachineLoad(proc);
        assertThat(load.read(List.of()).otherShareSince(load.read(List.of()))).isNaN();
        assertThat(load.read(List.of()).refaultedMbSince(load.read(List.of()))).isNaN();
        assertThat(load.stealJiffies()).isEqualTo(-1);
    }

    private static void stat(Path proc, long utime, long stime) throws Exception {
        Files.writeString(proc.resolve("42/stat"), "42 (java) S 1 1 1 0 -1 0 0 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 1 0 0 0 0\n");
    }
}
