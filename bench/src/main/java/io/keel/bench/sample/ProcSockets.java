package io.keel.bench.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One process's descriptors and TCP sockets from {@code /proc}: how many descriptors it holds, how many of its sockets
 * are established connections accepted on its HTTP port, and how many of its sockets (any port) are in CLOSE_WAIT.
 *
 * <p>Why: a soak's open-files count moves with the load generator's connection pool (the client decides how many
 * connections it keeps open, and every one is a descriptor in the server), so it cannot tell a leak in the server.
 * Descriptors minus established HTTP connections can; and a socket in CLOSE_WAIT is one whose peer closed while this
 * process has not: the one way a server leaks connections whatever its client does.
 *
 * <p>A socket belongs to the process when one of its descriptors links to {@code socket:[inode]} with that inode in
 * {@code /proc/<pid>/net/tcp} or {@code tcp6} (those files list the whole network namespace, the client's ends too).
 * The descriptor listing and the socket tables are read one after the other, not atomically: a connection opened or
 * closed in between moves a figure by one. NaN when unreadable (process gone, not Linux). Stateless.
 */
public final class ProcSockets {
    /** {@code st} values of the kernel's TCP states in {@code /proc/net/tcp}. */
    static final String ESTABLISHED = "01";
    static final String CLOSE_WAIT = "08";

    /** One reading; NaN where unreadable. Immutable. */
    public record Counts(double openFiles, double httpEstablished, double closeWait) {
        static final Counts UNKNOWN = new Counts(Double.NaN, Double.NaN, Double.NaN);
    }

    private ProcSockets() {
    }

    /** Reads process {@code pid}'s descriptors and sockets; {@code httpPort} is the port it accepts HTTP on. */
    public static Counts read(long pid, int httpPort) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<Long> inodes = new HashSet<>();
        long files = 0;
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                files++;
                try {
                    socketInode(Files.readSymbolicLink(fd).toString()).ifPresent(inodes::add);
                } catch (IOException e) {
                    // closed between the listing and the link read: counted, not a socket of this reading
                }
            }
            List<String> lines = new ArrayList<>(Files.readAllLines(proc.resolve("net/tcp")));
            Path tcp6 = proc.resolve("net/tcp6");
            if (Files.exists(tcp6)) {
                lines.addAll(Files.readAllLines(tcp6));
            }
            return count(files, inodes, lines, httpPort);
        } catch (IOException | RuntimeException e) {
            return Counts.UNKNOWN;
        }
    }

    /** Counts the sockets of {@code inodes} in lines of {@code /proc/net/tcp(6)}; header lines are skipped. */
    static Counts count(long openFiles, Set<Long> inodes, List<String> tcpLines, int httpPort) {
        long established = 0;
        long closeWait = 0;
        for (String line : tcpLines) {
            String[] f = line.strip().split("\\s+", -1);
            if (f.length < 10 || !f[0].endsWith(":") || !inodes.contains(Long.parseLong(f[9]))) {
                continue;
            }
            int localPort = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
            if (f[3].equals(ESTABLISHED) && localPort == httpPort) {
                established++;
            } else if (f[3].equals(CLOSE_WAIT)) {
                closeWait++;
            }
        }
        return new Counts(openFiles, established, closeWait);
    }

    /** The inode of a descriptor link {@code socket:[12345]}; empty for any other file. */
    static OptionalLong socketInode(String link) {
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(link.substring(8, link.length() - 1)));
    }
}
