package io.keel.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FairTaskQueueTest {
    private static final long MS = 1_000_000;

    private static CpuJob<Void> job(String task) {
        return new CpuJob<>(task, () -> null, Duration.ofSeconds(10).toNanos(), null, Runnable::run);
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
    void aCheapTaskQueuedBehindExpensiveOnesIsTakenNextNotLast() {
        var queue = new FairTaskQueue(16);
        queue.ran("login", 30 * MS);
        queue.ran("invoice", MS / 2);
        for (int i = 0; i < 5; i++) {
            queue.offer(job("login"));
        }
        queue.offer(job("invoice"));

        assertThat(takeAll(queue)).containsExactly("invoice", "login", "login", "login", "login", "login");
    }

    @Test
    void backloggedNamesShareWorkerTimeNotTaskCounts() {
        var queue = new FairTaskQueue(64);
        queue.ran("login", 30 * MS);
        queue.ran("invoice", 10 * MS);
        for (int i = 0; i < 12; i++) {
            queue.offer(job("login"));
            queue.offer(job("invoice"));
        }

        List<String> first = takeAll(queue).subList(0, 12);

        // equal time: three 10 ms invoices for each 30 ms login
        assertThat(first.stream().filter("invoice"::equals).count()).isEqualTo(9);
        assertThat(first.stream().filter("login"::equals).count()).isEqualTo(3);
    }

    @Test
    void aNameThatWasIdleStartsAtTheClockAndEarnsNoBurst() {
        var queue = new FairTaskQueue(64);
        queue.ran("thumbnail", 10 * MS);
        queue.ran("login", 10 * MS);
        for (int i = 0; i < 20; i++) {
            queue.offer(job("thumbnail"));
        }
        for (int i = 0; i < 10; i++) {
            queue.poll(); // thumbnails alone move the clock on
        }
        for (int i = 0; i < 10; i++) {
            queue.offer(job("login"));
        }

        List<String> next = takeAll(queue).subList(0, 10);

        // about every other one from here on, not ten logins first to make up for the time they were absent
        assertThat(next.stream().filter("login"::equals).count()).isBetween(5L, 6L);
    }

    @Test
    void withinANameTheOrderIsFirstComeFirstServed() {
        var queue = new FairTaskQueue(8);
        List<CpuJob<Void>> jobs = List.of(job("pdf"), job("pdf"), job("pdf"));
        jobs.forEach(queue::offer);

        assertThat(List.of(queue.poll(), queue.poll(), queue.poll())).containsExactlyElementsOf(jobs);
    }

    @Test
    void refusesOverItsCapacityAndARemovedTaskFreesItsPlace() {
        var queue = new FairTaskQueue(2);
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
        var queue = new FairTaskQueue(8);
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
        var queue = new FairTaskQueue(4);
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
