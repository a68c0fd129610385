package io.keel.bench;

import io.keel.bench.launch.StoreLocator;
import io.keel.bench.load.Validity;
import io.keel.bench.report.ResultsDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bench docs}: regenerates the results part of docs/benchmarks.md from docs/results/*&#47;report.json, or with
 * {@code --check} fails (exit 1) when the committed file differs from what the reports give. Not thread-safe.
 */
@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Regenerate the results in docs/benchmarks.md from docs/results/*/report.json.")
final class DocsCommand implements Callable<Integer> {
    @Option(names = "--repo", description = "Keel checkout (default: searched upwards from the working directory).")
    Optional<Path> repo = Optional.empty();
    @Option(names = "--check", description = "Only compare; exit 1 when docs/benchmarks.md is not up to date.")
    boolean check;

    PrintStream log = System.out;

    @Override
    public Integer call() {
        Path root = StoreLocator.repoRoot(repo, Path.of("").toAbsolutePath());
        Path doc = root.resolve("docs/benchmarks.md");
        try {
            String current = Files.readString(doc, StandardCharsets.UTF_8);
            String generated = ResultsDoc.regenerate(current, root.resolve("docs/results"), Validity.Rules.DEFAULTS);
            if (check) {
                if (!generated.equals(current)) {
                    log.println(doc + " is not what docs/results/*/report.json give: run ./keel bench docs");
                    return 1;
                }
                log.println(doc + " is up to date");
                return 0;
            }
            Files.writeString(doc, generated, StandardCharsets.UTF_8);
            log.println("wrote " + doc);
            return 0;
        } catch (IOException e) {
            throw new BenchException("cannot read or write " + doc + ": " + e.getMessage(), e);
        }
    }
}
