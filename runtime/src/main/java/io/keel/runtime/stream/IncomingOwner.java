package io.keel.runtime.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The process that writes part files into one {@code .incoming/<host>-<pid>} folder of an {@link UploadSink}
 * directory. Several processes may share an upload directory (supervised workers, or instances on a shared volume);
 * each writes its bodies in progress into its own folder, so a starting process cleans only the folders of processes
 * that are gone and never deletes another live process's upload. A folder of another host is never judged here: that
 * host's next start cleans it. Immutable and thread-safe.
 *
 * @param host the host name as this JVM sees it (no '-' is assumed: the pid is what follows the last one)
 * @param pid  the operating-system process id
 */
record IncomingOwner(String host, long pid) {
    /** This process on this host. Blocks briefly on the host-name lookup. */
    static IncomingOwner current() {
        return new IncomingOwner(localHost(), ProcessHandle.current().pid());
    }

    /** The owner a folder name stands for; empty for names this class did not write. */
    static Optional<IncomingOwner> parse(String folder) {
        int dash = folder.lastIndexOf('-');
        if (dash <= 0 || dash == folder.length() - 1) {
            return Optional.empty();
        }
        String digits = folder.substring(dash + 1);
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 18) {
            return Optional.empty();
        }
        return Optional.of(new IncomingOwner(folder.substring(0, dash), Long.parseLong(digits)));
    }

    String folderName() {
        return host + "-" + pid;
    }

    /**
     * Whether this owner's part files can be cleaned by {@code by}: it ran on the same host and is no longer alive, or
     * it is {@code by} itself (a process cleans its own folder before it accepts uploads).
     */
    boolean isGoneFor(IncomingOwner by) {
        if (!host.equals(by.host)) {
            return false;
        }
        return pid == by.pid || ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName().replace('/', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
