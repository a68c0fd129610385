package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the deployment kit in {@code deploy/} for {@link DeployKitHttpTest}: the Kubernetes manifests (YAML), the
 * systemd unit and its settings file, the HAProxy configuration, and what a JVM makes of a set of memory flags.
 * Stateless apart from the folder; blocking file and process I/O.
 */
record DeployKit(Path dir) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern KEEL_NAME = Pattern.compile("\\bKEEL_[A-Z0-9_]*[A-Z0-9]\\b");

    /** The kit of this checkout: {@code deploy/} found upwards from the working directory (the module folder). */
    static DeployKit ofCheckout() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/kubernetes"))) {
                return new DeployKit(p.resolve("deploy"));
            }
        }
        throw new IllegalStateException("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
    }

    String read(String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of every manifest under {@code kubernetes/}, by kind (one of each kind is expected). */
    Map<String, JsonNode> manifests() {
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        for (Path file : files("kubernetes")) {
            try (var parser = YAML.getFactory().createParser(file.toFile())) {
                for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                    JsonNode previous = byKind.put(doc.path("kind").asText(), doc);
                    if (previous != null) {
                        throw new IllegalStateException("two manifests of kind " + doc.path("kind").asText());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file.toString(), e);
            }
        }
        return byKind;
    }

    /** Every file of the kit (not the Grafana dashboard's JSON, which names no settings). */
    List<Path> files(String subdir) {
        try (Stream<Path> walk = Files.walk(dir.resolve(subdir))) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code KEEL_*} name in {@code text}, sorted. */
    static TreeSet<String> keelNames(String text) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = KEEL_NAME.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** {@code KEEL_DRAIN_DELAY} -> {@code drain-delay}: the key the store reads and {@code /admin/config} shows. */
    static String settingKey(String envName) {
        return envName.substring("KEEL_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code NAME=value} lines of an environment file (comments and blank lines skipped). */
    Map<String, String> envFile(String file) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                int eq = l.indexOf('=');
                env.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return env;
    }

    /** {@code Key=value} lines of a systemd unit (the last one wins, as for systemd's single-valued keys). */
    Map<String, String> unit(String file) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("[") && l.contains("=")) {
                int eq = l.indexOf('=');
                keys.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return keys;
    }

    /** The words after {@code directive} on the first line of the HAProxy configuration that starts with it. */
    List<String> haproxy(String directive) {
        for (String line : read("haproxy/haproxy.cfg").split("\n")) {
            String l = line.strip();
            if (l.startsWith(directive + " ")) {
                return Arrays.asList(l.substring(directive.length()).strip().split("\\s+"));
            }
        }
        throw new IllegalStateException("haproxy.cfg has no '" + directive + "' line");
    }

    /** Value following {@code keyword} in HAProxy's words, e.g. {@code inter} in a default-server line. */
    static String after(List<String> words, String keyword) {
        int i = words.indexOf(keyword);
        if (i < 0 || i + 1 >= words.size()) {
            throw new IllegalStateException("no '" + keyword + "' in " + words);
        }
        return words.get(i + 1);
    }

    /** An HAProxy or systemd time: a number with us/ms/s/m/h/d, or bare ({@code bareUnit}). */
    static Duration time(String text, TimeUnit bareUnit) {
        Matcher m = Pattern.compile("(\\d+)(us|ms|s|m|h|d|min)?").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a time: " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (Optional.ofNullable(m.group(2)).orElse("")) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.of(n, bareUnit.toChronoUnit());
        };
    }

    /** A Kubernetes quantity ({@code 1Gi}, {@code 512Mi}, {@code 1G}) or systemd size ({@code 1G} = 2^30) in bytes. */
    static long bytes(String text, boolean systemd) {
        Matcher m = Pattern.compile("(\\d+)([KMGT]i?)?").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = Optional.ofNullable(m.group(2)).orElse("");
        if (unit.isEmpty()) {
            return n;
        }
        int power = "KMGT".indexOf(unit.charAt(0)) + 1;
        boolean binary = systemd || unit.endsWith("i");
        return n * (long) Math.pow(binary ? 1024 : 1000, power);
    }

    /**
     * What a JVM with {@code flags} on a machine (or container) of {@code memory} bytes reserves at most, in bytes:
     * heap, metaspace, code cache, direct buffers, as HotSpot itself computes them ({@code -XX:+PrintFlagsFinal});
     * an unbounded area shows as {@link Long#MAX_VALUE}.
     */
    static Map<String, Long> jvmBounds(long memory, String flags) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:MaxRAM=" + memory));
        command.addAll(Arrays.asList(flags.strip().split("\\s+")));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        String out;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("java " + flags + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, Long> bounds = new LinkedHashMap<>();
        for (String flag : List.of("MaxHeapSize", "MaxMetaspaceSize", "ReservedCodeCacheSize",
                "MaxDirectMemorySize")) {
            Matcher m = Pattern.compile("\\s" + flag + "\\s+=\\s+(\\d+)").matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("no " + flag + " in the JVM's flags:\n" + out);
            }
            long v = Long.parseUnsignedLong(m.group(1));
            // Unset MaxDirectMemorySize (0) means "as large as the heap"; the metaspace default is unlimited.
            bounds.put(flag, v < 0 ? Long.MAX_VALUE : flag.equals("MaxDirectMemorySize") && v == 0
                    ? bounds.get("MaxHeapSize") : v);
        }
        return bounds;
    }
}
