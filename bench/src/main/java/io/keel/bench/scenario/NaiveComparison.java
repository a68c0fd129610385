package io.keel.bench.scenario;

import io.keel.bench.ServiceSource;
import io.keel.bench.ServiceUnderTest;
import io.keel.bench.report.Headline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenarios 2 and 3 in one invocation: prod-mix against the store with its protections on, then the same mix at the
 * same light rate against a fresh store on the same data with {@code --protections=off}. Headlines: each mode's
 * light p99 with storm / alone, and naive / protected for light p99 under the storm. Blocking.
 */
public final class NaiveComparison {
    private NaiveComparison() {
    }

    public static Path run(ServiceSource services, RunOptions options, PrintStream log) {
        Combined combined = new Combined();
        List<Headline> headlines = new ArrayList<>();
        double rate = options.rate();
        ProdMix.MixResult[] results = new ProdMix.MixResult[2];
        String[] modes = {"protected", "naive"};
        for (int i = 0; i < 2; i++) {
            log.println("== prod-mix, protections " + (i == 0 ? "on" : "off") + " ==");
            try (ServiceUnderTest service = services.start(modes[i], i == 0)) {
                ScenarioContext ctx = new ScenarioContext(service, options, log);
                if (!services.launches() && i == 1) {
                    ctx.note("naive run used the same --url service: it is only a naive baseline if that service "
                            + "runs with protections off, which the tool cannot check");
                }
                results[i] = ProdMix.measure(ctx, modes[i] + "-", rate);
                rate = results[i].rate();
                combined.add(ctx.collect());
            }
            combined.addPeaks(results[i].peaks());
            combined.addPhases(results[i].phases());
            headlines.addAll(results[i].headlines());
        }
        ProdMix.MixResult p = results[0];
        ProdMix.MixResult n = results[1];
        headlines.add(Headline.of("naive light-order p99 with storm", n.withStorm().latency().p99Ms(), "ms",
                "protected light-order p99 with storm", p.withStorm().latency().p99Ms(),
                "how much worse the same storm is without protections; higher = bigger collapse avoided"));
        headlines.add(Headline.of("naive light errors with storm", n.lightErrors(), "requests",
                "protected light errors with storm", p.lightErrors(), "n/a when protected had none"));
        double pRss = combined.peakRss("protected-");
        double nRss = combined.peakRss("naive-");
        combined.figure("protected-peak-rss-mb", pRss / 1e6);
        combined.figure("naive-peak-rss-mb", nRss / 1e6);
        headlines.add(Headline.of("naive peak RSS", nRss / 1e6, "MB", "protected peak RSS", pRss / 1e6,
                "memory the naive store needed for the same storm, relative to the protected one"));
        return combined.write("naive", options, headlines, options.out());
    }
}
