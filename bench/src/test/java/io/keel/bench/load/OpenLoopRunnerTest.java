package io.keel.bench.load;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OpenLoopRunnerTest {
    private static final RequestClass LIGHT = RequestClass.of("light");

    @Test
    void sendsTheScheduledNumberOfRequestsOnTime() {
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(), ex -> {
            arrivals.add(System.nanoTime());
            TestServer.answer(ex, 200, "ok".getBytes());
        })) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            ConcurrentLinkedQueue<Long> sends = new ConcurrentLinkedQueue<>();
            RequestFactory timed = () -> {
                sends.add(System.nanoTime()); // called by the dispatcher at the moment of sending
                return req;
            };
            PhaseResult r = OpenLoopRunner.create(LoadLimits.DEFAULTS).runPhase("rate",
                    List.of(new LoadSpec(LIGHT, RateSchedule.of(500, Duration.ofSeconds(2)), timed)));

            ClassResult light = r.get("light");
            assertThat(light.ok()).isEqualTo(1000);
            assertThat(arrivals).hasSize(1000);
            List<Long> arrived = arrivals.stream().sorted().toList();
            double spanMs = (arrived.getLast() - arrived.getFirst()) / 1e6;
            // Spread over the schedule, not a burst; the upper bound only catches a stalled dispatcher (the server's own
            // threads may lag on a loaded machine, the send times below are what the schedule is checked against).
            assertThat(spanMs).as("server saw 999 intervals of about 2 ms").isBetween(1800.0, 4000.0);
            List<Long> sorted = sends.stream().sorted().toList();
            assertThat(sorted).hasSize(1000);
            // Anchor on the median offset: the first request also pays for connection setup.
            long[] offsets = new long[sorted.size()];
            for (int i = 0; i < sorted.size(); i++) {
                offsets[i] = sorted.get(i) - i * 2_000_000L;
            }
            long anchor = Arrays.stream(offsets).sorted().toArray()[offsets.length / 2];
            long onTime = Arrays.stream(offsets).filter(o -> Math.abs(o - anchor) < 50_000_000L).count();
            assertThat(onTime).as("sends within 50 ms of schedule").isGreaterThan(900);
            assertThat(light.series()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(light.series().stream().mapToLong(SecondStats::count).sum()).isEqualTo(1000);
        }
    }

    @Test
    void closingARunnerClosesTheConnectionsItKeptForReuse() throws Exception {
        try (ScriptedServer server = new ScriptedServer((request, out) -> ScriptedServer.answer(out, "200 OK",
                "Content-Length: 2\r\n", "ok"))) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            var open = OpenLoopRunner.create(LoadLimits.DEFAULTS);
            var closed = ClosedLoopRunner.create(LoadLimits.DEFAULTS);
            open.runPhase("open", List.of(new LoadSpec(LIGHT, RateSchedule.of(50, Duration.ofMillis(200)), () -> req)));
            closed.runPhase("closed", LIGHT, () -> req, 1, Duration.ofMillis(100));
            int kept = server.accepted.get();
            assertThat(server.closed).as("idle connections stay open for reuse").hasValue(0);

            open.close();
            closed.close();

            server.awaitClosed(kept);
        }
    }

    @Test
    void aOneSecondServerStallShowsInThePercentilesNotJustInOneSample() {
        AtomicInteger n = new AtomicInteger();
        // One worker thread: while one request sleeps, everything else waits, like a stop-the-world pause.
        try (TestServer server = new TestServer(Executors.newSingleThreadExecutor(), ex -> {
            if (n.incrementAndGet() == 100) {
                sleep(1000);
            }
            TestServer.answer(ex, 200, new byte[0]);
        })) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            PhaseResult r = OpenLoopRunner.create(LoadLimits.DEFAULTS).runPhase("stall",
                    List.of(new LoadSpec(LIGHT, RateSchedule.of(200, Duration.ofMillis(1500)), () -> req)));

            LatencySummary lat = r.get("light").latency();
            assertThat(lat.count()).isEqualTo(300);
            assertThat(lat.maxMs()).isGreaterThanOrEqualTo(950);
            assertThat(lat.p99Ms()).isGreaterThanOrEqualTo(500);
            assertThat(lat.p90Ms()).as("requests due during the stall waited too").isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void aClientSidePauseIsChargedToLatencyBecauseItIsMeasuredFromTheScheduledTime() {
        AtomicInteger n = new AtomicInteger();
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(),
                ex -> TestServer.answer(ex, 200, new byte[0]))) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            RequestFactory pausingOnce = () -> {
                if (n.incrementAndGet() == 10) {
                    sleep(500);
                }
                return req;
            };
            PhaseResult r = OpenLoopRunner.create(LoadLimits.DEFAULTS).runPhase("client-pause",
                    List.of(new LoadSpec(LIGHT, RateSchedule.of(100, Duration.ofSeconds(1)), pausingOnce)));

            assertThat(r.maxDispatchLagMs()).isGreaterThanOrEqualTo(450);
            assertThat(r.get("light").latency().p90Ms()).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void aClosedLoopHidesTheSameStallWhichIsWhyLatencyIsMeasuredOpenLoop() {
        AtomicInteger n = new AtomicInteger();
        try (TestServer server = new TestServer(Executors.newSingleThreadExecutor(), ex -> {
            if (n.incrementAndGet() == 20) {
                sleep(1000);
            }
            TestServer.answer(ex, 200, new byte[0]);
        })) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            PhaseResult r = ClosedLoopRunner.create(LoadLimits.DEFAULTS)
                    .runPhase("closed", LIGHT, () -> req, 1, Duration.ofMillis(1500));

            LatencySummary lat = r.get("light").latency();
            assertThat(lat.maxMs()).isGreaterThanOrEqualTo(950);
            assertThat(lat.p90Ms()).isLessThan(200);
        }
    }

    @Test
    void sendsBeyondTheInFlightBoundAreCountedAsClientOverflowInsteadOfQueued() {
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(), ex -> {
            sleep(400);
            TestServer.answer(ex, 200, new byte[0]);
        })) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            AtomicLong sunkOverflows = new AtomicLong();
            AnswerSink sink = new AnswerSink() {
                @Override
                public void answered(RequestClass c, long scheduledNanos, long endNanos, int status, String body) {
                }

                @Override
                public void failed(RequestClass c, long scheduledNanos, long endNanos, ErrorKind kind) {
                    if (kind == ErrorKind.CLIENT_OVERFLOW) {
                        sunkOverflows.incrementAndGet();
                    }
                }
            };
            PhaseResult r = OpenLoopRunner.create(LoadLimits.DEFAULTS.withMaxInFlight(5)).runPhase("overflow",
                    List.of(new LoadSpec(LIGHT, RateSchedule.of(100, Duration.ofSeconds(1)), () -> req)
                            .withSink(sink)));

            ClassResult light = r.get("light");
            assertThat(light.errors().get("client-overflow")).isGreaterThan(50);
            assertThat(light.ok() + light.errors().get("client-overflow")).isEqualTo(100);
            assertThat(sunkOverflows.get()).as("a scenario's own ledger hears of requests never sent")
                    .isEqualTo(light.errors().get("client-overflow"));
        }
    }

    @Test
    void neverSentAndTimedOutRequestsLandInThePercentilesAsAtLeastTheTimeout() {
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(), ex -> {
            sleep(1500);
            TestServer.answer(ex, 200, new byte[0]);
        })) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/x")).GET().build();
            LoadLimits limits = LoadLimits.DEFAULTS.withMaxInFlight(5).withRequestTimeout(Duration.ofMillis(300));
            PhaseResult r = OpenLoopRunner.create(limits).runPhase("overload",
                    List.of(new LoadSpec(LIGHT, RateSchedule.of(100, Duration.ofSeconds(1)), () -> req)));

            ClassResult light = r.get("light");
            assertThat(light.errors().get("client-overflow")).as("never sent").isPositive();
            assertThat(light.errors().get("timeout")).as("sent, timed out").isPositive();
            assertThat(light.scheduled()).isEqualTo(100);
            assertThat(light.latency().count()).as("one population: every scheduled request").isEqualTo(100);
            assertThat(light.latency().p50Ms()).as("none of them faster than the timeout").isGreaterThanOrEqualTo(300);
            assertThat(light.latencyOk().count()).isZero();
            assertThat(Validity.check(r, Validity.Rules.DEFAULTS).reasons()).anyMatch(m -> m.contains("never sent"));
        }
    }

    @Test
    void percentilesOverAllRequestsIncludeFastErrorsAndOkPercentilesLeaveThemOut() {
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(), ex -> {
            if (ex.getRequestURI().getPath().equals("/slow")) {
                sleep(80);
                TestServer.answer(ex, 200, new byte[0]);
            } else {
                TestServer.answer(ex, 503, new byte[0]);
            }
        })) {
            HttpRequest slow = HttpRequest.newBuilder(server.uri("/slow")).GET().build();
            HttpRequest refused = HttpRequest.newBuilder(server.uri("/refused")).GET().build();
            AtomicInteger n = new AtomicInteger();
            PhaseResult r = OpenLoopRunner.create(LoadLimits.DEFAULTS).runPhase("mixed", List.of(new LoadSpec(LIGHT,
                    RateSchedule.of(100, Duration.ofSeconds(1)), () -> n.incrementAndGet() % 4 == 0 ? slow : refused)));

            ClassResult light = r.get("light");
            assertThat(light.latency().count()).isEqualTo(100);
            assertThat(light.latencyOk().count()).isEqualTo(25);
            assertThat(light.latencyOk().p50Ms()).isGreaterThanOrEqualTo(80);
            assertThat(light.latency().p50Ms()).as("75% fast 503s pull the all-requests median down")
                    .isLessThan(light.latencyOk().p50Ms());
        }
    }

    @Test
    void errorAnswersAndRefusedConnectionsAreCountedByKind() {
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(),
                ex -> TestServer.answer(ex, ex.getRequestURI().getPath().equals("/busy") ? 503 : 404, new byte[0]))) {
            HttpRequest busy = HttpRequest.newBuilder(server.uri("/busy")).GET().build();
            HttpRequest missing = HttpRequest.newBuilder(server.uri("/missing")).GET().build();
            HttpRequest closedPort = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")).GET().build();
            PhaseResult r = OpenLoopRunner.create(LoadLimits.DEFAULTS).runPhase("errors", List.of(
                    new LoadSpec(RequestClass.of("busy"), RateSchedule.of(50, Duration.ofMillis(200)), () -> busy),
                    new LoadSpec(RequestClass.of("missing"), RateSchedule.of(50, Duration.ofMillis(200)),
                            () -> missing),
                    new LoadSpec(RequestClass.of("down"), RateSchedule.of(50, Duration.ofMillis(200)),
                            () -> closedPort)));

            assertThat(r.get("busy").status(503)).isEqualTo(10);
            assertThat(r.get("busy").errors()).containsEntry("status-5xx", 10L);
            assertThat(r.get("missing").routeMissing()).isTrue();
            assertThat(r.get("down").errors()).containsEntry("connect-error", 10L);
            assertThat(r.get("down").ok()).isZero();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
