package io.keel.runtime.config;

import java.time.Duration;
import java.util.Locale;

/**
 * One declared setting: its key, type, range, default and meaning, written once. {@link Settings} parses and checks
 * a value against it, {@code GET /admin/config} shows it next to the effective value, and the README's settings
 * table and {@code --help} are produced from the declarations (see {@link SettingTable}). Immutable.
 *
 * <p>Numbers are stored as {@code long}: counts and bytes as they are, durations in milliseconds.
 *
 * @param key         kebab-case name ({@code max-body-size}); the environment spells it {@code KEEL_MAX_BODY_SIZE}
 * @param type        how the value is written and parsed
 * @param defaultText the default as a value would be written ({@code 1m}, {@code 20s}, {@code 8080})
 * @param min         smallest allowed value (counts, sizes, durations in ms)
 * @param max         largest allowed value (counts, sizes, durations in ms)
 * @param defaultDoc  the default as documented, when it is computed at start ({@code cores}); else defaultText
 * @param doc         what the setting means, one sentence for the README and {@code --help}
 */
public record Setting(String key, Type type, String defaultText, long min, long max, String defaultDoc, String doc) {
    /** How a setting's value is written. */
    public enum Type {
        /** A plain integer; size suffixes are refused, so {@code 40m} can never mean 41,943,040 things. */
        COUNT("count"),
        /** Bytes, with {@code k}/{@code m}/{@code g} suffixes ({@code 256m}). */
        SIZE("bytes"),
        /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601. */
        DURATION("duration"),
        /** {@code name=duration} pairs separated by commas. */
        DURATIONS("name=duration,..."),
        BOOLEAN("on/off"),
        TEXT("text"),
        PATH("path"),
        /** Text that is never shown: masked in {@code /admin/config} and logs. */
        SECRET("secret");

        private final String unit;

        Type(String unit) {
            this.unit = unit;
        }

        public String unit() {
            return unit;
        }
    }

    public Setting {
        if (!key.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("setting keys are kebab-case, got '" + key + "'");
        }
        if (min > max) {
            throw new IllegalArgumentException("setting " + key + ": min " + min + " > max " + max);
        }
    }

    public static Setting count(String key, long defaultValue, long min, long max, String doc) {
        return new Setting(key, Type.COUNT, Long.toString(defaultValue), min, max, Long.toString(defaultValue), doc);
    }

    public static Setting size(String key, long defaultValue, long min, long max, String doc) {
        String text = ByteSize.format(defaultValue);
        return new Setting(key, Type.SIZE, text, min, max, text, doc);
    }

    public static Setting duration(String key, Duration defaultValue, Duration min, Duration max, String doc) {
        String text = Settings.format(defaultValue);
        return new Setting(key, Type.DURATION, text, min.toMillis(), max.toMillis(), text, doc);
    }

    /** A map of names to durations, each in {@code min..max}; empty by default. */
    public static Setting durations(String key, Duration min, Duration max, String doc) {
        return new Setting(key, Type.DURATIONS, "", min.toMillis(), max.toMillis(), "none", doc);
    }

    public static Setting bool(String key, boolean defaultValue, String doc) {
        String text = defaultValue ? "on" : "off";
        return new Setting(key, Type.BOOLEAN, text, 0, 1, text, doc);
    }

    public static Setting text(String key, String defaultValue, String doc) {
        return new Setting(key, Type.TEXT, defaultValue, 0, 0, defaultValue.isEmpty() ? "none" : defaultValue, doc);
    }

    public static Setting path(String key, String defaultValue, String doc) {
        return new Setting(key, Type.PATH, defaultValue, 0, 0, defaultValue, doc);
    }

    public static Setting secret(String key, String doc) {
        return new Setting(key, Type.SECRET, "", 0, 0, "unset", doc);
    }

    /** The same setting with its default computed at start (documented by {@link #defaultDoc}). */
    public Setting withDefault(long value) {
        String text = switch (type) {
            case SIZE -> ByteSize.format(value);
            case DURATION -> Settings.format(Duration.ofMillis(value));
            default -> Long.toString(value);
        };
        return new Setting(key, type, text, min, max, defaultDoc, doc);
    }

    /** The same setting with a default text chosen at start (e.g. from another setting). */
    public Setting withDefault(String text) {
        return new Setting(key, type, text, min, max, defaultDoc, doc);
    }

    /** The same setting with a lower bound that depends on another setting's value. */
    public Setting withMin(long value) {
        return new Setting(key, type, defaultText, value, max, defaultDoc, doc);
    }

    /** The same setting with an upper bound that depends on another setting's value. */
    public Setting withMax(long value) {
        return new Setting(key, type, defaultText, min, value, defaultDoc, doc);
    }

    /** The same setting documented with a default that is computed at start ({@code cores}, {@code 8 × threads}). */
    public Setting documentedDefault(String text) {
        return new Setting(key, type, defaultText, min, max, text, doc);
    }

    public boolean secret() {
        return type == Type.SECRET;
    }

    /** {@code KEEL_MAX_BODY_SIZE} for {@code max-body-size}. */
    public String envName() {
        return "KEEL_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The allowed values as people read them: {@code 1..1024}, {@code 1k..64m}, {@code 1ms..5m}, {@code on/off}. */
    public String range() {
        return switch (type) {
            case COUNT -> min + ".." + max;
            case SIZE -> ByteSize.format(min) + ".." + ByteSize.format(max);
            case DURATION, DURATIONS -> Settings.format(Duration.ofMillis(min)) + ".."
                    + Settings.format(Duration.ofMillis(max));
            case BOOLEAN -> "on/off";
            case TEXT, PATH, SECRET -> "text";
        };
    }
}
