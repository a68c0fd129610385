package io.keel.runtime.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders declared settings for people: the README's settings table ({@link #markdown}) and {@code --help}
 * ({@link #text}). Both come from the same {@link Setting} declarations the services parse with, so neither can
 * drift from what the code accepts. Stateless.
 */
public final class SettingTable {
    /** The line before the generated table in README.md. */
    public static final String BEGIN = "<!-- settings table: generated from the declarations, do not edit -->";
    /** The line after it. */
    public static final String END = "<!-- end of settings table -->";

    private SettingTable() {
    }

    /** A Markdown table, one row per setting: variable, default, allowed values, meaning. */
    public static String markdown(List<Setting> settings) {
        StringBuilder md = new StringBuilder("| variable | default | allowed | meaning |\n|---|---|---|---|\n");
        for (Setting s : settings) {
            md.append("| `").append(s.envName()).append("` | ").append(s.defaultDoc()).append(" | ")
                    .append(s.type().unit()).append(allowed(s)).append(" | ").append(s.doc()).append(" |\n");
        }
        return md.toString();
    }

    /** Plain text for {@code --help}: the flag, its default and range, and its meaning. */
    public static String text(List<Setting> settings) {
        return settings.stream().map(s -> String.format("  --%s=%s%n      %s (%s%s, default %s)", s.key(),
                s.type().unit(), s.doc(), s.envName(), allowed(s), s.defaultDoc()))
                .collect(Collectors.joining(System.lineSeparator(), "", System.lineSeparator()));
    }

    private static String allowed(Setting s) {
        return switch (s.type()) {
            case COUNT, SIZE, DURATION, DURATIONS -> " " + s.range();
            default -> "";
        };
    }
}
