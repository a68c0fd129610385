package io.keel.bench.load;

import io.keel.bench.sample.MachineLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HiccupMeterTest {
    private static void writeSteal(Path stat, long steal) {
        try {
            Files.writeString(stat, "cpu  100 0 50 1000 3 0 2 " + steal + " 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aPauseOfTheMetersThreadIsItsLongestWithTheStealAroundIt(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        writeSteal(stat, 40);
        AtomicInteger sleeps = new AtomicInteger();
        CountDownLatch pausedAndLater = new CountDownLatch(1);
        // the 200th sleep overruns by 80 ms, during which the hypervisor stole 5 jiffies
        Runnable sleep = () -> {
            int n = sleeps.incrementAndGet();
            if (n == 200) {
                writeSteal(stat, 45);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(80));
            } else {
                LockSupport.parkNanos(HiccupMeter.SLEEP_NANOS);
            }
            if (n == 400) {
                pausedAndLater.countDown();
            }
        };
        long start = System.nanoTime();
        HiccupMeter meter = new HiccupMeter(start, new MachineLoad(dir), sleep, "test");
        assertThat(pausedAndLater.await(20, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1_100); // one steal reading after the pause

        Stall stall = meter.stop(85, 0.5);

        assertThat(stall.hiccupMs()).isBetween(79.0, 1_000.0);
        assertThat(stall.hiccupAtSecond()).isBetween(0.0, 20.0);
        assertThat(stall.stealMs()).isCloseTo(50, within(0.01));
        assertThat(stall.lagMs()).isEqualTo(85);
        assertThat(stall.lagAtSecond()).isEqualTo(0.5);
    }

    @Test
    void withoutAStealColumnTheStealIsUnknown(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  100 0 50 1000\n");
        HiccupMeter meter = new HiccupMeter(System.nanoTime(), new MachineLoad(dir),
                () -> LockSupport.parkNanos(HiccupMeter.SLEEP_NANOS), "test");
        Thread.sleep(1_100);

        Stall stall = meter.stop(3, 0.2);

        assertThat(stall.stealMs()).isNaN();
        assertThat(stall.hiccupMs()).isGreaterThanOrEqualTo(0);
    }
}
