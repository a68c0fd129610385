package io.keel.runtime.cpu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
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
            Thread caller = Thread.ofVirtual().start(() -> { // carrier 1, created by main
                pool.run("probe", () -> {
                    Thread.ofVirtual().start(() -> { // takes carrier 1 (idle now) and keeps it busy
                        while (spin.get()) {
                            Thread.onSpinWait();
                        }
                    });
                    Thread.sleep(300);
                    return 0;
                });
                resumedOn.set(kernelNice()); // carrier 2, created when the task woke this thread
            });
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
