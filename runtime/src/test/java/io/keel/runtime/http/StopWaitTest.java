package io.keel.runtime.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StopWaitTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final StopWait wait = new StopWait(timer);
    private final AtomicInteger closes = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void beforeTheStopTheServersCloseIsPassedOnAtOnce() {
        StopWait.Connection connection = wait.connection(closes::incrementAndGet);

        connection.close(); // the idle timeout

        assertThat(closes).hasValue(1);
        assertThat(wait.held()).isZero();
    }

    @Test
    void aConnectionThatHadARequestIsClosedAtOnceWhenTheServerStops() {
        StopWait.Connection connection = wait.connection(closes::incrementAndGet);
        connection.requestLine();
        wait.start(Duration.ofMinutes(1));

        connection.close();

        assertThat(closes).hasValue(1);
        assertThat(wait.held()).isZero();
    }

    @Test
    void aHeldCloseIsPassedOnWhenTheFirstRequestArrivesSoThatRequestIsTheLast() {
        StopWait.Connection connection = wait.connection(closes::incrementAndGet);
        wait.start(Duration.ofMinutes(1));

        connection.close();
        connection.close(); // a second graceful close (the idle timeout) is held as well
        assertThat(closes).as("held").hasValue(0);
        connection.requestLine();

        assertThat(closes).hasValue(1);
        assertThat(wait.held()).isEqualTo(1);
        assertThat(wait.served()).isEqualTo(1);
        assertThat(wait.closedWaiting()).isZero();
    }

    @Test
    void aHeldConnectionWithoutARequestIsClosedWhenTheWaitEnds() {
        StopWait.Connection connection = wait.connection(closes::incrementAndGet);
        wait.start(Duration.ofMillis(50));

        connection.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> closes.get() == 1);
        assertThat(wait.closedWaiting()).isEqualTo(1);
        connection.requestLine(); // too late: nothing more happens
        assertThat(closes).hasValue(1);
        assertThat(wait.served()).isZero();
    }

    @Test
    void aConnectionItsClientClosedIsNeitherClosedNorCounted() throws Exception {
        StopWait.Connection connection = wait.connection(closes::incrementAndGet);
        wait.start(Duration.ofMillis(20));
        connection.close();

        connection.ended();

        // the wait's end is cancelled; a later task on the one timer thread runs after it would have
        timer.schedule(() -> { }, 40, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        assertThat(closes).hasValue(0);
        assertThat(wait.held()).isEqualTo(1);
        assertThat(wait.served() + wait.closedWaiting()).isZero();
    }

    @Test
    void whenTheRequestAndTheEndOfTheWaitRaceEachHeldConnectionIsClosedOnceAndCountedOnce() throws Exception {
        int connections = 2_000;
        wait.start(Duration.ofMillis(5));
        List<AtomicInteger> closed = new ArrayList<>();
        List<StopWait.Connection> held = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            AtomicInteger count = new AtomicInteger();
            closed.add(count);
            StopWait.Connection connection = wait.connection(count::incrementAndGet);
            connection.close();
            held.add(connection);
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread.ofPlatform().start(() -> {
            held.forEach(StopWait.Connection::requestLine); // racing the timer, which ends the wait meanwhile
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> wait.served() + wait.closedWaiting() == connections);
        assertThat(closed).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(wait.held()).isEqualTo(connections);
    }
}
