package io.keel.runtime.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The pid file of a running Keel process, held with an OS file lock for the process's whole life: a second process
 * on the same file is refused at once ({@link AlreadyRunningException} naming the running pid), a file left behind
 * by a killed process is taken over (the OS released its lock), and an orderly exit deletes the file.
 *
 * <p>Content: the pid on the first line, then {@code stop-within=<seconds>} (how long a graceful stop may take:
 * drain delay plus shutdown grace), which {@code ./keel stop} reads to know how long to wait. Not thread-safe; one
 * owner opens and closes it. Blocks only for a local file write.
 */
public final class PidFile implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private PidFile(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another live process holds the pid file. */
    public static final class AlreadyRunningException extends RuntimeException {
        public AlreadyRunningException(String message) {
            super(message);
        }
    }

    /**
     * Locks {@code file} (creating it and its directory) and writes this process's pid into it.
     *
     * @throws AlreadyRunningException when another process holds the lock
     */
    public static PidFile acquire(Path file, Duration stopWithin) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String holder = firstLine(Files.readString(file, StandardCharsets.UTF_8));
                channel.close();
                throw new AlreadyRunningException("already running as pid " + holder + " (pid file " + file
                        + "); stop it with ./keel stop or use another data directory");
            }
            channel.truncate(0);
            String content = ProcessHandle.current().pid() + "\nstop-within=" + stopWithin.toSeconds() + "\n";
            channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new PidFile(file, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + file, e);
        }
    }

    private static String firstLine(String content) {
        String line = content.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? "(unknown)" : line;
    }

    public Path path() {
        return file;
    }

    /** Deletes the file, then releases the lock: a new start may take over at once. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove pid file " + file, e);
        }
    }
}
