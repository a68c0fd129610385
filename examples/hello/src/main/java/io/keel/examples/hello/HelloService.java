package io.keel.examples.hello;

import io.helidon.http.Status;
import io.keel.runtime.Keel;
import io.keel.runtime.KeelConfig;
import io.keel.runtime.config.Settings;
import io.keel.runtime.dashboard.Figure;
import io.keel.runtime.http.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;

import java.util.Map;

/**
 * The smallest service worth running on Keel, and the proof that the runtime carries a service that is not the store:
 * it greets by name, counts its greetings ({@code hello_greetings_total}) and shows them on the runtime's dashboard as
 * its own figures (greetings per second, name length p90), next to the runtime's traffic and memory tiles.
 *
 * <ul>
 *   <li>{@code GET /hello/{name}}: {@code {"greeting": "hello, name"}}; a name over {@value #MAX_NAME} characters is
 *       a 400 problem document, and is not counted</li>
 *   <li>{@code GET /}, {@code /api/stats}, {@code /metrics}, {@code /health/*}: as every Keel service</li>
 * </ul>
 * Settings are the runtime's ({@code KEEL_PORT}, {@code KEEL_ADMIN_TOKEN}, ...). Thread-safe once started.
 */
public final class HelloService {
    static final int MAX_NAME = 64;

    private HelloService() {
    }

    /** Builds and starts the service; the caller closes the returned {@link Keel}. */
    public static Keel start(Settings settings) {
        Keel keel = Keel.create(KeelConfig.from(settings)).settings(settings);
        Counter greetings = Counter.builder("hello.greetings").description("Greetings sent").register(keel.metrics());
        DistributionSummary nameLength = DistributionSummary.builder("hello.name.length")
                .description("Length of the names greeted").baseUnit("characters").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue((double) MAX_NAME).register(keel.metrics());
        keel.dashboard()
                .addFigure(Figure.rate("greetings", "hello.greetings").label("Greetings per second")
                        .unit("greetings").group("Hello"))
                .addFigure(Figure.percentile("nameLengthP90", "hello.name.length", 0.9).label("Name length p90")
                        .unit("characters").group("Hello"));
        keel.routes(r -> r.get("/hello/{name}", (req, res) -> {
            String name = req.path().pathParameters().get("name");
            if (name.length() > MAX_NAME) {
                throw ProblemException.badRequest("name has " + name.length() + " characters, at most " + MAX_NAME
                        + " allowed");
            }
            greetings.increment();
            nameLength.record(name.length());
            keel.json().write(res, Status.OK_200, Map.of("greeting", "hello, " + name));
        }));
        return keel.start();
    }

    /** Runs until SIGTERM/SIGINT; settings from {@code KEEL_*} variables. */
    public static void main(String[] args) throws InterruptedException {
        Keel keel = start(Settings.load(System.getenv(), Map.of()));
        keel.awaitShutdownSignal();
    }
}
