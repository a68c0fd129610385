package io.keel.bench;

import io.keel.bench.report.BenchReport;
import io.keel.bench.report.Comparison;
import io.keel.bench.report.ReportWriter;
import io.keel.bench.scenario.Outcome;
import io.keel.bench.scenario.RunOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * One scenario against Keel and against a reference service in the same invocation: each writes its full report
 * ({@code <out>/keel/}, {@code <out>/reference/}), then {@code <out>/report.md|json} sets every headline metric side
 * by side with Keel ÷ reference. The second service runs at the light rate the first one used, so latencies are
 * compared at equal load. Blocking. Stateless.
 */
final class Compared {
    private Compared() {
    }

    static Outcome run(BiFunction<ServiceSource, RunOptions, Outcome> scenario, ServiceSource keel,
                       CompareOptions compare, RunOptions options, Path outDir, String name, long seedOrders,
                       DataTemplates templates, boolean keepData, Map<String, String> peerEnv,
                       Optional<String> serviceCpus, PrintStream log) {
        String started = Instant.now().toString();
        Optional<String> refToken;
        ServiceSource reference;
        Path refDir = outDir.resolve("reference");
        if (compare.peerDir.isPresent()) {
            refToken = Optional.of("bench-peer-" + UUID.randomUUID());
            reference = ServiceSource.launching(new PeerLauncher(compare.peerDir.get().toAbsolutePath(), compare.node,
                    refToken.get(), peerEnv, serviceCpus, ServiceSource.defaultStartTimeout(0)), seedOrders, refDir,
                    keepData, templates, log);
        } else {
            refToken = compare.adminToken.filter(t -> !t.isBlank());
            reference = ServiceSource.external(new ExternalService(compare.url.orElseThrow(),
                    compare.pid.map(OptionalLong::of).orElse(OptionalLong.empty()), "reference at "
                    + compare.url.get()), refDir, log);
        }
        try (reference) {
            RunOptions keelOpts = options.forService(outDir.resolve("keel"), options.adminToken());
            RunOptions refOpts = options.forService(refDir, refToken);
            Outcome first;
            Outcome second;
            if (compare.referenceFirst) {
                log.println("== reference ==");
                first = scenario.apply(reference, refOpts);
                log.println("== keel ==");
                second = scenario.apply(keel, sameRate(keelOpts, first));
            } else {
                log.println("== keel ==");
                first = scenario.apply(keel, keelOpts);
                log.println("== reference ==");
                second = scenario.apply(reference, sameRate(refOpts, first));
            }
            Outcome k = compare.referenceFirst ? second : first;
            Outcome r = compare.referenceFirst ? first : second;
            return write(outDir, name, started, options, k, r, compare.referenceFirst);
        }
    }

    /** The options with the light rate the first run used, when the rate was derived from its peak. */
    private static RunOptions sameRate(RunOptions o, Outcome first) {
        Double used = first.report().figures().get("light-rate-per-sec");
        return o.rate() == 0 && used != null && used > 0 ? o.withRate(used) : o;
    }

    private static Outcome write(Path outDir, String name, String started, RunOptions options, Outcome k,
                                 Outcome r, boolean referenceFirst) {
        List<Comparison> rows = Comparison.of(k.report().metrics(), r.report().metrics());
        List<String> notes = new ArrayList<>();
        notes.add("Keel's full report: [keel/report.md](keel/report.md); the reference's: "
                + "[reference/report.md](reference/report.md)");
        notes.add((referenceFirst ? "the reference ran first, then Keel" : "Keel ran first, then the reference")
                + ", each on a fresh copy of the same seeded data size");
        notes.add("reference: " + r.report().machine().serviceJvmFlags());
        List<String> invalid = new ArrayList<>();
        k.report().invalid().forEach(i -> invalid.add("keel: " + i));
        r.report().invalid().forEach(i -> invalid.add("reference: " + i));
        BenchReport report = new BenchReport(name, started, BenchReport.readGitCommit(), options.commandLine(),
                k.report().machine(), k.report().headlines(),
                k.report().metrics(), rows, List.of(), List.of(), Map.of(), List.of(), notes, invalid);
        return new Outcome(ReportWriter.write(report, outDir), report);
    }

}
