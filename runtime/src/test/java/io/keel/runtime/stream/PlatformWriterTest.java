package io.keel.runtime.stream;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformWriterTest {
    private static final int CHUNK = 512;

    @Test
    void everyByteArrivesInOrderInWholeChunksWhileTheBodyRunsOnAPlatformThread() {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        AtomicBoolean bodyOnPlatform = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("chunks are written whole");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.incrementAndGet();
                target.write(b, off, len);
            }
        };
        ByteArrayOutputStream expected = new ByteArrayOutputStream();

        new PlatformWriter("test", CHUNK, 2).run(out -> {
            bodyOnPlatform.set(!Thread.currentThread().isVirtual());
            for (int i = 0; i < 10_000; i++) {
                byte[] piece = ("row " + i + "\n").getBytes();
                out.write(piece);
                expected.write(piece);
                out.write('.');
                expected.write('.');
            }
        }, counting);

        assertThat(bodyOnPlatform).isTrue();
        assertThat(target.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(writes.get()).isEqualTo((expected.size() + CHUNK - 1) / CHUNK);
    }

    @Test
    void aSlowTargetHoldsTheBodyBackWithinTheQueueBound() throws Exception {
        AtomicInteger written = new AtomicInteger();
        CountDownLatch firstChunk = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> new PlatformWriter("test", CHUNK, 2).run(out -> {
            for (int i = 0; i < 1_000_000; i++) {
                out.write(i);
                written.incrementAndGet();
            }
        }, new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                firstChunk.countDown();
                awaitQuietly(release);
            }
        }));

        assertThat(firstChunk.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // give an unbounded writer the chance to run ahead; a bounded one cannot
        // one chunk being written, two queued, one offered, one being filled
        assertThat(written.get()).isLessThanOrEqualTo(CHUNK * 5);
        release.countDown();
        run.get(10, TimeUnit.SECONDS);
        assertThat(written.get()).isEqualTo(1_000_000);
    }

    @Test
    void aFailingTargetStopsTheBodyBeforeRunReturns() {
        AtomicBoolean bodyRunning = new AtomicBoolean();

        assertThatThrownBy(() -> new PlatformWriter("test", CHUNK, 1).run(out -> {
            bodyRunning.set(true);
            try {
                while (true) {
                    out.write(new byte[100]);
                }
            } finally {
                bodyRunning.set(false);
            }
        }, goneClient())).isInstanceOf(ClientGoneException.class);
        assertThat(bodyRunning).as("body joined before run returned").isFalse();
    }

    @Test
    void aBodyThatWrapsTheStopSignalLikeJacksonDoesEndsQuietlyAndTheTargetFailureIsReported() {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
        try {
            assertThatThrownBy(() -> new PlatformWriter("test", CHUNK, 1).run(out -> {
                while (true) {
                    try {
                        out.write(new byte[100]);
                    } catch (RuntimeException e) {
                        throw new IOException("formatter wrapped it", e); // as Jackson's writeValue does
                    }
                }
            }, goneClient())).isInstanceOf(ClientGoneException.class);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        assertThat(uncaught).isEmpty();
    }

    @Test
    void aFailingBodyFailsTheCallerAndItsUnfinishedChunkNeverReachesTheTarget() {
        ByteArrayOutputStream target = new ByteArrayOutputStream();

        assertThatThrownBy(() -> new PlatformWriter("test", CHUNK, 2).run(out -> {
            out.write(new byte[CHUNK + 10]);
            throw new SQLException("disk gone");
        }, target)).hasMessageContaining("disk gone");
        assertThat(target.size()).isEqualTo(CHUNK);
    }

    /** A response whose client went away: every write fails as RowStreamWriter's do. */
    private static OutputStream goneClient() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                throw new ClientGoneException("client gone", null);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                throw new ClientGoneException("client gone", null);
            }
        };
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
