package io.keel.bench.load;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class LiveRunTest {
    private static final RequestClass ORDER = RequestClass.of("order");

    @Test
    void requestsRecordIntoTheRecorderCurrentWhenTheyEndAndAStopEndsALongScheduleEarly() throws Exception {
        AtomicInteger n = new AtomicInteger();
        CountDownLatch twenty = new CountDownLatch(20);
        AtomicReference<CountDownLatch> next = new AtomicReference<>(new CountDownLatch(0));
        try (TestServer server = new TestServer(Executors.newVirtualThreadPerTaskExecutor(), ex -> {
            int i = n.incrementAndGet();
            twenty.countDown();
            next.get().countDown();
            TestServer.answer(ex, 201, ("{\"id\":\"" + i + "\"}").getBytes());
        })) {
            HttpRequest req = HttpRequest.newBuilder(server.uri("/orders")).POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
            AnswerSink sink = new AnswerSink() {
                @Override
                public void answered(RequestClass c, long scheduledNanos, long endNanos, int status, String body) {
                    bodies.add(status + " " + body);
                }

                @Override
                public void failed(RequestClass c, long scheduledNanos, long endNanos, ErrorKind kind) {
                    bodies.add(kind.label());
                }
            };
            LatencyRecorder first = LatencyRecorder.start("first", LoadLimits.DEFAULTS);
            LiveRun live = new LiveRun(first);
            LoadSpec spec = new LoadSpec(ORDER, RateSchedule.of(100, Duration.ofMinutes(10)), () -> req)
                    .withSink(sink);
            Thread run = Thread.ofPlatform().start(() -> OpenLoopRunner.create(LoadLimits.DEFAULTS)
                    .run(List.of(spec), live));

            assertThat(twenty.await(30, TimeUnit.SECONDS)).isTrue();
            LatencyRecorder second = LatencyRecorder.start("second", LoadLimits.DEFAULTS);
            PhaseResult before = live.switchTo(second).finish("open-loop");
            CountDownLatch more = new CountDownLatch(20);
            next.set(more);
            assertThat(more.await(30, TimeUnit.SECONDS)).isTrue();
            live.stop();
            run.join(Duration.ofSeconds(20));
            PhaseResult after = second.finish("open-loop");

            assertThat(run.isAlive()).as("stopped long before its 10-minute schedule").isFalse();
            long okBefore = before.get("order").ok();
            long okAfter = after.get("order").ok();
            // The server counts a request before its answer reaches the client, so the last few answers of each window
            // may land in the next one: each window holds most of its twenty, not exactly twenty.
            assertThat(okBefore).isGreaterThanOrEqualTo(10);
            assertThat(okAfter).isGreaterThanOrEqualTo(10);
            assertThat(okBefore + okAfter).as("every answer recorded once, in one of the two").isEqualTo(n.get());
            assertThat(bodies).hasSize(n.get()).allSatisfy(b -> assertThat(b).matches("201 \\{\"id\":\"\\d+\"}"));
        }
    }
}
