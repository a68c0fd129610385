package io.keel.runtime.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upload's second thread: order, hashing and write-back across many buffers, and a failing disk side. */
class DiskWriterTest {
    @TempDir
    Path dir;

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }

    @Test
    void buffersOfEverySizeAreWrittenAndHashedInTheOrderHandedOver() throws Exception {
        byte[] body = new byte[(int) DiskWriter.SYNC_EVERY_BYTES + 777_777]; // passes one write-back start
        new Random(7).nextBytes(body);
        Path file = dir.resolve("body");
        MessageDigest hash = sha256();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             DiskWriter disk = new DiskWriter(out, hash, 3, 64 * 1024)) {
            Random sizes = new Random(3);
            for (int at = 0; at < body.length; ) {
                byte[] buffer = disk.take();
                int n = Math.min(body.length - at, 1 + sizes.nextInt(buffer.length));
                System.arraycopy(body, at, buffer, 0, n);
                disk.hand(buffer, n);
                at += n;
            }
            disk.finish();
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(hash.digest()).isEqualTo(sha256().digest(body));
    }

    @Test
    void anErrorOnTheWritingSideReachesTheReaderAsItself() throws Exception {
        MessageDigest failing = new MessageDigest("failing") {
            @Override
            protected void engineUpdate(byte input) {
                throw new StackOverflowError("simulated");
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                throw new StackOverflowError("simulated");
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[0];
            }

            @Override
            protected void engineReset() {
            }
        };
        Path file = dir.resolve("error");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             DiskWriter disk = new DiskWriter(out, failing, 2, 1024)) {
            disk.hand(disk.take(), 100);
            assertThatThrownBy(disk::finish).isInstanceOf(StackOverflowError.class).hasMessage("simulated");
        }
    }

    @Test
    void aCloseInterruptedWhileWaitingStillStopsBothThreads() throws Exception {
        // The writer is held in its digest until released, so close() must wait for it: without the hold the writer
        // could finish first, and a join on an ended thread returns without seeing the interrupt.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MessageDigest held = new MessageDigest("held") {
            @Override
            protected void engineUpdate(byte input) {
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                boolean interrupted = false;
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[32];
            }

            @Override
            protected void engineReset() {
            }
        };
        Path file = dir.resolve("interrupted");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            DiskWriter disk = new DiskWriter(out, held, 2, 1024);
            disk.hand(disk.take(), 100);
            Thread.currentThread().interrupt(); // as when the request thread is interrupted during an abort
            assertThatThrownBy(disk::close).isInstanceOf(java.io.InterruptedIOException.class);
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            release.countDown();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(disk::stopped);
        }
    }

    @Test
    void aFailingWriteReachesTheReaderAndEveryBufferStillComesBack() throws Exception {
        Path file = dir.resolve("read-only");
        Files.write(file, new byte[0]);
        try (FileChannel readOnly = FileChannel.open(file, StandardOpenOption.READ);
             DiskWriter disk = new DiskWriter(readOnly, sha256(), 2, 1024)) {
            disk.hand(disk.take(), 100);

            // The reader goes on until it learns of the failure; it never waits for a buffer forever.
            assertThatThrownBy(() -> {
                for (int i = 0; i < 1000; i++) {
                    disk.hand(disk.take(), 100);
                }
                disk.finish();
            }).isInstanceOf(NonWritableChannelException.class);
        }
    }

    @Test
    void closingWithoutFinishingStopsTheThreads() throws IOException, NoSuchAlgorithmException {
        Path file = dir.resolve("abandoned");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             DiskWriter disk = new DiskWriter(out, sha256(), 2, 1024)) {
            disk.hand(disk.take(), 1024);
            disk.giveBack(disk.take());
        }

        assertThat(Files.size(file)).isEqualTo(1024);
    }
}
