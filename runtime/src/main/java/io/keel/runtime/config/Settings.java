package io.keel.runtime.config;

import io.keel.runtime.http.Numbers;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Raw settings in layers: defaults (given at each lookup), then an optional properties file, then {@code KEEL_*}
 * environment variables, then {@code --key=value} flags; the last layer that names a key wins.
 *
 * <p>Keys are kebab-case ({@code max-body-size}); the environment spells them {@code KEEL_MAX_BODY_SIZE}. Every typed
 * lookup validates and fails with a {@link ConfigException} that names the key, the value, where it came from and the
 * allowed range. Each lookup is remembered, so {@link #effective()} shows what the service actually runs with
 * (secrets masked) and {@link #requireAllKnown()} rejects typos in files and flags.
 *
 * <p>Not thread-safe while being read into config records; immutable in effect afterwards.
 */
public final class Settings {
    /** The effective value of one key, where it came from, and its declaration when it was read through one. */
    public record Entry(String value, String source, Optional<Setting> declaration) {
        public Entry(String value, String source) {
            this(value, source, Optional.empty());
        }
    }

    private static final String MASK = "****";

    private final Map<String, String> file;
    private final Map<String, String> env;
    private final Map<String, String> flags;
    private final String fileName;
    private final Map<String, Entry> effective = new LinkedHashMap<>();

    private Settings(Map<String, String> file, String fileName, Map<String, String> env, Map<String, String> flags) {
        this.file = file;
        this.fileName = fileName;
        this.env = env;
        this.flags = flags;
    }

    /**
     * Loads the layers. The config file is the {@code config} flag or {@code KEEL_CONFIG} variable, if any.
     *
     * @param env   the process environment (pass {@code System.getenv()})
     * @param flags {@code key -> value} from the command line, keys in kebab-case
     */
    public static Settings load(Map<String, String> env, Map<String, String> flags) {
        String configFile = flags.getOrDefault("config", env.get("KEEL_CONFIG"));
        Map<String, String> fileValues = Map.of();
        if (configFile != null && !configFile.isBlank()) {
            fileValues = readProperties(Path.of(configFile));
        }
        Map<String, String> flagsCopy = new HashMap<>(flags);
        flagsCopy.remove("config");
        return new Settings(fileValues, configFile, Map.copyOf(env), flagsCopy);
    }

    /** Settings from flags alone (and nothing from the environment): for tests and embedded use. */
    public static Settings of(Map<String, String> flags) {
        return load(Map.of(), flags);
    }

    public String string(String key, String defaultValue) {
        return lookup(key, defaultValue, Function.identity(), false, "any text");
    }

    /** A secret: absent unless set, masked in {@link #effective()}. */
    public Optional<String> secret(String key) {
        String value = lookup(key, "", Function.identity(), true, "any text");
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return Math.toIntExact(count(key, defaultValue, min, max));
    }

    /** A whole number written in plain digits; a size suffix ({@code 40m}) is refused, never multiplied. */
    public long count(String key, long defaultValue, long min, long max) {
        String range = "a whole number in " + min + ".." + max + " written in plain digits (size suffixes such as "
                + "40m are refused for counts)";
        long value = lookup(key, Long.toString(defaultValue), Settings::parseLong, false, range);
        return checkRange(key, value, min, max, range);
    }

    // Declared settings: the one way the runtime, the store and the supervisor read their settings.

    /** A {@link Setting.Type#COUNT} setting that fits an int. */
    public int integer(Setting setting) {
        return Math.toIntExact(count(setting));
    }

    public long count(Setting setting) {
        return declared(setting, Setting.Type.COUNT,
                () -> count(setting.key(), Long.parseLong(setting.defaultText()), setting.min(), setting.max()));
    }

    public long bytes(Setting setting) {
        return declared(setting, Setting.Type.SIZE,
                () -> bytes(setting.key(), ByteSize.parse(setting.defaultText()), setting.min(), setting.max()));
    }

    public Duration duration(Setting setting) {
        return declared(setting, Setting.Type.DURATION, () -> duration(setting.key(),
                parseDuration(setting.defaultText()), Duration.ofMillis(setting.min()), Duration.ofMillis(setting.max())));
    }

    public Map<String, Duration> durations(Setting setting) {
        return declared(setting, Setting.Type.DURATIONS, () -> durations(setting.key(), setting.defaultText(),
                Duration.ofMillis(setting.min()), Duration.ofMillis(setting.max())));
    }

    public boolean bool(Setting setting) {
        return declared(setting, Setting.Type.BOOLEAN,
                () -> bool(setting.key(), parseBool(setting.defaultText())));
    }

    public String string(Setting setting) {
        return declared(setting, Setting.Type.TEXT, () -> string(setting.key(), setting.defaultText()));
    }

    public Path path(Setting setting) {
        return declared(setting, Setting.Type.PATH, () -> path(setting.key(), setting.defaultText()));
    }

    public Optional<String> secret(Setting setting) {
        return declared(setting, Setting.Type.SECRET, () -> secret(setting.key()));
    }

    private <T> T declared(Setting setting, Setting.Type type, Supplier<T> read) {
        if (setting.type() != type) {
            throw new IllegalArgumentException("setting " + setting.key() + " is declared " + setting.type()
                    + ", read as " + type);
        }
        T value = read.get();
        effective.computeIfPresent(setting.key(), (k, e) -> new Entry(e.value(), e.source(), Optional.of(setting)));
        return value;
    }

    public long bytes(String key, long defaultValue, long min, long max) {
        String range = "a size in " + ByteSize.format(min) + ".." + ByteSize.format(max) + " (e.g. 64k, 256m, 2g)";
        long value = lookup(key, ByteSize.format(defaultValue), ByteSize::parse, false, range);
        return checkRange(key, value, min, max, range);
    }

    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        String range = "a duration in " + min + ".." + max + " (e.g. 500ms, 30s, 5m, PT1H)";
        Duration value = lookup(key, format(defaultValue), Settings::parseDuration, false, range);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(key, raw(key).orElse(format(defaultValue)), range);
        }
        return value;
    }

    /**
     * A map of names to durations written {@code name=duration,name=duration} (e.g. {@code thumbnail=10s,invoice=5s});
     * empty text is an empty map.
     */
    public Map<String, Duration> durations(String key, String defaultValue, Duration min, Duration max) {
        String range = "name=duration pairs separated by commas, each in " + min + ".." + max;
        Map<String, Duration> value = lookup(key, defaultValue, text -> {
            Map<String, Duration> map = new LinkedHashMap<>();
            for (String pair : text.split(",", -1)) {
                if (pair.isBlank()) {
                    continue;
                }
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank()) {
                    throw new IllegalArgumentException("not name=duration: " + pair);
                }
                Duration d = parseDuration(kv[1]);
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    throw new IllegalArgumentException("out of range: " + pair);
                }
                map.put(kv[0].trim(), d);
            }
            return Map.copyOf(map);
        }, false, range);
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        return lookup(key, Boolean.toString(defaultValue), Settings::parseBool, false, "one of true/false/on/off");
    }

    public Path path(String key, String defaultValue) {
        return lookup(key, defaultValue, Path::of, false, "a file system path");
    }

    /** Effective settings read so far, in lookup order, secrets masked. */
    public Map<String, Entry> effective() {
        return Collections.unmodifiableMap(effective);
    }

    /** Fails when the file or the flags name a key that no lookup asked for (a typo would otherwise be ignored). */
    public void requireAllKnown() {
        Set<String> unknown = new TreeSet<>();
        unknown.addAll(file.keySet());
        unknown.addAll(flags.keySet());
        unknown.removeAll(effective.keySet());
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown setting(s) " + unknown + "; known: " + effective.keySet());
        }
    }

    private <T> T lookup(String key, String defaultValue, Function<String, T> parser, boolean secret, String range) {
        String envName = envName(key);
        String source = "default";
        String value = defaultValue;
        if (file.containsKey(key)) {
            value = file.get(key);
            source = "file " + fileName;
        }
        if (env.containsKey(envName)) {
            value = env.get(envName);
            source = "env " + envName;
        }
        if (flags.containsKey(key)) {
            value = flags.get(key);
            source = "flag --" + key;
        }
        try {
            T parsed = parser.apply(value.trim());
            effective.put(key, new Entry(secret && !value.isBlank() ? MASK : value, source));
            return parsed;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw invalid(key, secret ? MASK : value, range + ", set by " + source);
        }
    }

    private Optional<String> raw(String key) {
        String envName = envName(key);
        if (flags.containsKey(key)) {
            return Optional.of(flags.get(key));
        }
        if (env.containsKey(envName)) {
            return Optional.of(env.get(envName));
        }
        return Optional.ofNullable(file.get(key));
    }

    private static String envName(String key) {
        return "KEEL_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private <N extends Comparable<N>> N checkRange(String key, N value, N min, N max, String range) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(key, String.valueOf(value), range);
        }
        return value;
    }

    private static ConfigException invalid(String key, String value, String allowed) {
        return new ConfigException("invalid setting " + key + "='" + value + "': expected " + allowed);
    }

    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        int split = 0;
        while (split < s.length() && s.charAt(split) >= '0' && s.charAt(split) <= '9') {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(s.substring(0, split));
        return switch (s.substring(split).trim()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s", "" -> Duration.ofSeconds(amount);
            case "m", "min" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not a duration: " + text);
        };
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** An optionally negative integer in ASCII digits ({@link Long#parseLong} also takes other Unicode digits). */
    private static long parseLong(String text) {
        boolean negative = text.startsWith("-");
        long value = Numbers.parseNonNegative(text, negative ? 1 : 0, text.length())
                .orElseThrow(() -> new NumberFormatException(text));
        return negative ? -value : value;
    }

    private static boolean parseBool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }

    private static Map<String, String> readProperties(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        properties.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
        return values;
    }
}
