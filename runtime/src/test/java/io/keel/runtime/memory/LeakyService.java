package io.keel.runtime.memory;

import io.keel.runtime.Keel;
import io.keel.runtime.KeelConfig;
import io.keel.runtime.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fixture, never shipped: a Keel service whose {@code GET /work} allocates 256 KiB of garbage per request, keeps
 * a 64 KiB record of each of the last {@value #RECENT} requests (a bounded cache: at 40 requests per second each record
 * lives 10 s, long enough to be promoted, then dies in the old generation, so old collections have garbage to find)
 * and, once {@code POST /leak} switched the leak on, also keeps 16 KiB per request forever in {@link #rememberRequest}.
 * The planted leak that {@code LeakSignalTest} and docs/operations.md's worked example find. Prints
 * {@code port N} when ready; settings from {@code KEEL_*} variables.
 */
public final class LeakyService {
    private static final List<byte[]> REMEMBERED = new ArrayList<>();
    private static final AtomicBoolean LEAKING = new AtomicBoolean();
    private static final int RECENT = 400;
    private static final byte[][] RECENT_REQUESTS = new byte[RECENT][];
    private static final AtomicLong REQUESTS = new AtomicLong();

    private LeakyService() {
    }

    public static void main(String[] args) throws InterruptedException {
        for (int i = 0; i < RECENT; i++) {
            RECENT_REQUESTS[i] = new byte[64 * 1024]; // full from the start: the live set is flat without the leak
        }
        Keel keel = Keel.create(KeelConfig.from(Settings.load(System.getenv(), Map.of())));
        keel.routes(r -> r.get("/work", (req, res) -> {
            byte[] scratch = new byte[256 * 1024];
            scratch[scratch.length - 1] = 1;
            RECENT_REQUESTS[(int) (REQUESTS.getAndIncrement() % RECENT)] = new byte[64 * 1024];
            if (LEAKING.get()) {
                rememberRequest();
            }
            res.send("ok " + scratch.length);
        }).post("/leak", (req, res) -> {
            LEAKING.set(true);
            res.send("leaking");
        }));
        keel.start();
        System.out.println("port " + keel.port());
        keel.awaitShutdownSignal();
    }

    /** The bug: a per-request record added to a static list that nothing ever clears. */
    private static void rememberRequest() {
        synchronized (REMEMBERED) {
            REMEMBERED.add(new byte[16 * 1024]);
        }
    }
}
