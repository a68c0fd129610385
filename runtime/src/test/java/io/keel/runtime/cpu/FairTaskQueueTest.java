package io.keel.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FairTaskQueueTest {
    private static final Duration QUANTUM = Duration.ofMillis(5);

    private static CpuJob<Void> job(String task) {
        return new CpuJob<>(task, () -> null, Duration.ofSeconds(10).toNanos(), null, Runnable::run);
    }

    private static void offer(FairTaskQueue queue, String task, int count) {
        for (int i = 0; i < count; i++) {
            queue.offer(job(task));
        }
    }

    private static String name(Runnable task) {
        return ((CpuJob<?>) task).task();
    }

    private static List<String> takeAll(FairTaskQueue queue) {
        List<String> order = new ArrayList<>();
        Runnable next;
        while ((next = queue.poll()) != null) {
            order.add(((CpuJob<?>) next).task());
        }
        return order;
    }

    @Test
    void aTaskQueuedBehindManyOfAnotherNameWaitsForOneOfThemNotAll() {
        var queue = new FairTaskQueue(16, QUANTUM);
        offer(queue, "login", 5);
        queue.offer(job("invoice"));

        assertThat(takeAll(queue)).containsExactly("login", "invoice", "login", "login", "login", "login");
    }

    @Test
    void waitingNamesTakeTurnsOneTaskEach() {
        var queue = new FairTaskQueue(64, QUANTUM);
        offer(queue, "thumbnail", 3);
        for (int i = 0; i < 3; i++) {
            queue.offer(job("login"));
            queue.offer(job("invoice"));
        }

        assertThat(takeAll(queue)).containsExactly("thumbnail", "login", "invoice", "thumbnail", "login", "invoice",
                "thumbnail", "login", "invoice");
    }

    @Test
    void aNameThatWasIdleGetsTheNextTurn() {
        var queue = new FairTaskQueue(16, QUANTUM);
        offer(queue, "login", 5);
        queue.poll(); // a worker runs the first one

        queue.offer(job("invoice"));

        assertThat(takeAll(queue)).containsExactly("invoice", "login", "login", "login", "login");
    }

    @Test
    void aNameThatWasIdleForLongEarnsNoBurst() {
        var queue = new FairTaskQueue(64, QUANTUM);
        offer(queue, "thumbnail", 20);
        for (int i = 0; i < 10; i++) {
            queue.poll(); // thumbnails alone for a while
        }
        offer(queue, "login", 5);

        // its head start and the turn being served, then one each: not five logins to make up for the time it was idle
        assertThat(takeAll(queue).subList(0, 8)).containsExactly("login", "login", "thumbnail", "login", "thumbnail",
                "login", "thumbnail", "login");
    }

    @Test
    void aBusyNameGetsNoHeadStartFromItsQueueEmptyingBetweenTasks() {
        var queue = new FairTaskQueue(64, QUANTUM);
        offer(queue, "login", 6);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queue.offer(job("invoice")); // one invoice at a time, each sent as the previous one is taken
            order.add(name(queue.poll()));
            order.add(name(queue.poll()));
        }

        assertThat(order.stream().filter("invoice"::equals).count()).isEqualTo(6);
        assertThat(order.subList(0, 6)).containsExactly("login", "invoice", "login", "invoice", "login", "invoice");
    }

    @Test
    void aNameWhoseTasksRunShorterThanTheQuantumRunsSeveralPerTurn() {
        var queue = new FairTaskQueue(64, QUANTUM);
        queue.ran("login", Duration.ofMillis(30).toNanos());
        queue.ran("invoice", Duration.ofMillis(1).toNanos()); // a fifth of the quantum: five per turn
        offer(queue, "login", 3);
        offer(queue, "invoice", 10);

        assertThat(takeAll(queue)).containsExactly("login", "invoice", "invoice", "invoice", "invoice", "invoice",
                "login", "invoice", "invoice", "invoice", "invoice", "invoice", "login");
    }

    @Test
    void namesWhoseTasksRunAQuantumOrLongerTakeOneTurnEachWhateverTheirLength() {
        var queue = new FairTaskQueue(64, QUANTUM);
        queue.ran("login", Duration.ofMillis(30).toNanos());
        queue.ran("thumbnail", Duration.ofMillis(6).toNanos());
        for (int i = 0; i < 3; i++) {
            queue.offer(job("login"));
            queue.offer(job("thumbnail"));
        }

        assertThat(takeAll(queue)).containsExactly("login", "thumbnail", "login", "thumbnail", "login", "thumbnail");
    }

    @Test
    void theChargeFollowsTheNamesRecentRunTimes() {
        var queue = new FairTaskQueue(64, QUANTUM);
        queue.ran("login", Duration.ofMillis(30).toNanos());
        queue.ran("invoice", Duration.ofMillis(1).toNanos());
        for (int i = 0; i < 40; i++) {
            queue.ran("invoice", Duration.ofMillis(50).toNanos()); // the work became expensive
        }
        for (int i = 0; i < 2; i++) {
            queue.offer(job("login"));
            queue.offer(job("invoice"));
        }

        assertThat(takeAll(queue)).containsExactly("login", "invoice", "login", "invoice");
    }

    @Test
    void theNewestRunWeighsAnEighthInTheMean() {
        var queue = new FairTaskQueue(64, QUANTUM);
        queue.ran("invoice", Duration.ofMillis(1).toNanos());
        queue.ran("invoice", Duration.ofMillis(9).toNanos()); // mean 1 + (9 - 1) / 8 = 2 ms: 2.5 per turn
        offer(queue, "login", 2);
        offer(queue, "invoice", 5);

        // at a quarter (3 ms) it would be two invoices per turn, at the newest run alone (9 ms) one
        assertThat(takeAll(queue)).containsExactly("login", "invoice", "invoice", "invoice", "login", "invoice",
                "invoice");
    }

    @Test
    void theQueueEmptyingBetweenRoundsChangesNoOrder() {
        var queue = new FairTaskQueue(64, QUANTUM);
        queue.ran("login", Duration.ofMillis(30).toNanos());
        queue.ran("invoice", Duration.ofMillis(1).toNanos());
        List<List<String>> rounds = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            offer(queue, "login", 2);
            offer(queue, "invoice", 5);
            rounds.add(takeAll(queue)); // empty again: the tags start from zero
        }

        // the logins took two quanta in the first round and the invoices one, so from then on the invoices go first
        assertThat(rounds.get(0)).containsExactly("login", "invoice", "invoice", "invoice", "invoice", "invoice",
                "login");
        assertThat(rounds.subList(1, 3)).allSatisfy(order -> assertThat(order).containsExactly("invoice", "invoice",
                "invoice", "invoice", "invoice", "login", "login"));
    }

    @Test
    void aNameNotMeasuredYetTakesAFullTurnPerTask() {
        var queue = new FairTaskQueue(64, QUANTUM);
        queue.ran("invoice", Duration.ofMillis(1).toNanos());
        offer(queue, "new-report", 2);
        offer(queue, "invoice", 10);

        assertThat(takeAll(queue).subList(0, 7)).containsExactly("new-report", "invoice", "invoice", "invoice",
                "invoice", "invoice", "new-report");
    }

    @Test
    void aQuantumMustBePositive() {
        assertThatThrownBy(() -> new FairTaskQueue(4, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantum");
    }

    @Test
    void aRemovedTaskThatWasItsNamesLastGivesUpItsTurn() {
        var queue = new FairTaskQueue(8, QUANTUM);
        CpuJob<Void> only = job("pdf");
        queue.offer(job("hash"));
        queue.offer(only);
        queue.offer(job("hash"));

        assertThat(queue.remove(only)).isTrue();

        assertThat(takeAll(queue)).containsExactly("hash", "hash");
        queue.offer(job("pdf"));
        assertThat(takeAll(queue)).containsExactly("pdf");
    }

    @Test
    void withinANameTheOrderIsFirstComeFirstServed() {
        var queue = new FairTaskQueue(8, QUANTUM);
        List<CpuJob<Void>> jobs = List.of(job("pdf"), job("pdf"), job("pdf"));
        jobs.forEach(queue::offer);

        assertThat(List.of(queue.poll(), queue.poll(), queue.poll())).containsExactlyElementsOf(jobs);
    }

    @Test
    void refusesOverItsCapacityAndARemovedTaskFreesItsPlace() {
        var queue = new FairTaskQueue(2, QUANTUM);
        CpuJob<Void> first = job("a");
        assertThat(queue.offer(first)).isTrue();
        assertThat(queue.offer(job("b"))).isTrue();

        assertThat(queue.offer(job("a"))).isFalse();
        assertThat(queue.remainingCapacity()).isZero();
        assertThat(queue.remove(first)).isTrue();
        assertThat(queue.remove(first)).isFalse();
        assertThat(queue.offer(job("c"))).isTrue();
        assertThat(queue).hasSize(2);
    }

    @Test
    void drainToAndTheIteratorSeeEveryWaitingTaskAndTheIteratorRemoves() {
        var queue = new FairTaskQueue(8, QUANTUM);
        queue.offer(job("a"));
        queue.offer(job("b"));
        queue.offer(job("a"));

        Iterator<Runnable> it = queue.iterator();
        it.next();
        it.remove();
        assertThat(queue).hasSize(2);
        List<Runnable> drained = new ArrayList<>();
        assertThat(queue.drainTo(drained)).isEqualTo(2);
        assertThat(drained).hasSize(2);
        assertThat(queue).isEmpty();
    }

    @Test
    void aTimedPollWaitsForATaskAndGivesUpWhenNoneComes() throws Exception {
        var queue = new FairTaskQueue(4, QUANTUM);
        assertThat(queue.poll(20, TimeUnit.MILLISECONDS)).isNull();
        CpuJob<Void> later = job("a");
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.offer(later);
        });

        assertThat(queue.poll(5, TimeUnit.SECONDS)).isSameAs(later);
    }
}
