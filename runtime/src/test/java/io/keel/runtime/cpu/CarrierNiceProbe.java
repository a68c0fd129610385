package io.keel.runtime.cpu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a fresh JVM by {@link CpuPoolCarrierNiceTest}: makes the virtual-thread scheduler create a carrier at the
 * moment a CPU-pool task wakes its caller, then prints the nice value of the carrier the caller resumed on. Linux
 * threads inherit the nice value of the thread that creates them, so a carrier created by a nice-19 pool worker
 * would serve requests at nice 19 for its whole life.
 */
public final class CarrierNiceProbe {
    private CarrierNiceProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (CpuPool pool = CpuPool.create(CpuPoolSettings.defaults().withThreads(1), new SimpleMeterRegistry())) {
            AtomicInteger resumedOn = new AtomicInteger(Integer.MIN_VALUE);
            AtomicBoolean spin = new AtomicBoolean(true);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            Thread caller = Thread.ofVirtual().start(() -> { // carrier 1, created by main
                pool.run("probe", () -> {
                    running.countDown();
                    go.await();
                    Thread.sleep(300);
                    return 0;
                });
                resumedOn.set(kernelNice()); // carrier 2, created when the task woke this thread
            });
            running.await();
            // Started by main, not inside the task: a virtual thread started on the nice-19 worker could itself make
            // the scheduler create a carrier there, which is the task's doing, not the wake-up's.
            Thread.ofVirtual().start(() -> { // takes carrier 1 (idle now: the caller is parked) and keeps it busy
                while (spin.get()) {
                    Thread.onSpinWait();
                }
            });
            go.countDown();
            caller.join();
            spin.set(false);
            System.out.println("main at nice " + kernelNice() + "; caller resumed on a carrier at nice " + resumedOn.get());
        }
    }

    /** Field 19 of /proc/thread-self/stat: for a virtual thread, the carrier it runs on. */
    static int kernelNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
