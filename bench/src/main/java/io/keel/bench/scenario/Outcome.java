package io.keel.bench.scenario;

import io.keel.bench.report.BenchReport;

import java.nio.file.Path;

/** What one scenario run produced: its report file and content. Immutable. */
public record Outcome(Path markdown, BenchReport report) {
    public boolean valid() {
        return report.valid();
    }
}
