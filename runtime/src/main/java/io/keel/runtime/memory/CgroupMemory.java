package io.keel.runtime.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory limit of the cgroup this process runs in (a container's limit, a systemd {@code MemoryMax}), read from
 * cgroup v2 {@code memory.max} or v1 {@code memory.limit_in_bytes}. Nested groups are walked up to the mount point
 * and the tightest limit wins. "max", v1's page-rounded 2^63 and anything unreadable mean no limit.
 *
 * <p>Stateless; each call reads a few small files under the given root ({@code /} in production, a folder of fake
 * files in tests).
 */
public final class CgroupMemory {
    /** v1 writes "unlimited" as 2^63 rounded down to a page; anything this large is no limit. */
    private static final long UNLIMITED = 1L << 60;

    /** A limit, or none, with the file it came from (or why there is none), for the start-up log. */
    public record Limit(OptionalLong bytes, String source) {
    }

    private final Path root;

    private CgroupMemory(Path root) {
        this.root = root;
    }

    public static CgroupMemory of(Path root) {
        return new CgroupMemory(root);
    }

    public static CgroupMemory system() {
        return of(Path.of("/"));
    }

    public Limit limit() {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve("proc/self/cgroup"));
        } catch (IOException e) {
            return new Limit(OptionalLong.empty(), "no /proc/self/cgroup");
        }
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            Path mount = root.resolve("sys/fs/cgroup");
            if (parts.length == 3 && parts[0].equals("0") && Files.exists(mount.resolve("cgroup.controllers"))) {
                return tightest(mount, parts[2], "memory.max"); // unified hierarchy (v2)
            }
        }
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                return tightest(root.resolve("sys/fs/cgroup/memory"), parts[2], "memory.limit_in_bytes");
            }
        }
        return new Limit(OptionalLong.empty(), "no memory cgroup");
    }

    private Limit tightest(Path mount, String group, String fileName) {
        long best = Long.MAX_VALUE;
        String source = "no limit in " + display(mount.resolve(relative(group)).resolve(fileName));
        Path dir = mount.resolve(relative(group)).normalize();
        if (!Files.isDirectory(dir)) {
            dir = mount; // a cgroup namespace shows the group as "/" or a path not mounted here
        }
        while (dir.startsWith(mount)) {
            Path file = dir.resolve(fileName);
            OptionalLong value = read(file);
            if (value.isPresent() && value.getAsLong() < best) {
                best = value.getAsLong();
                source = display(file);
            }
            if (dir.equals(mount)) {
                break;
            }
            dir = dir.getParent();
        }
        return best == Long.MAX_VALUE ? new Limit(OptionalLong.empty(), source) : new Limit(OptionalLong.of(best), source);
    }

    private static OptionalLong read(Path file) {
        try {
            String text = Files.readString(file).strip();
            long value = Long.parseLong(text);
            return value > 0 && value < UNLIMITED ? OptionalLong.of(value) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty(); // "max", missing, or not a number: no limit from this file
        }
    }

    private String display(Path file) {
        return "/" + root.relativize(file);
    }

    private static String relative(String group) {
        String trimmed = group.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed;
    }
}
