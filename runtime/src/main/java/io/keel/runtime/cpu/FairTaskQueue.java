package io.keel.runtime.cpu;

import java.time.Duration;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's wait queue: the task names take turns, first come, first served within a name, and a name that has been
 * idle gets the next turn. A turn is worth one {@code quantum} of run time: a task is charged its name's recent mean
 * run time, at most one quantum. So names whose tasks run a quantum or longer take turns one task each, and a name
 * whose tasks are cheaper runs a quantum's worth in a turn (at the pool's default quantum: one thumbnail, one password
 * hash, several invoices): an invoice waits for a free worker, not behind a thumbnail and a hash, while its name's
 * share of the workers stays bounded by one quantum per turn. First come, first served made an invoice wait behind
 * every hash queued before it.
 *
 * <p>This is start-time fair queueing (Goyal, Vin and Cheng, SIGCOMM 1996) with each task's length estimated from its
 * name's history: each task gets a start tag, the later of the queue's clock less one quantum and the tag after its
 * name's previous task; a worker takes the smallest tag (of equal ones, the earliest queued) and moves the clock to
 * it. The quantum of head start is the idle name's; a busy name cannot use it, since its own previous tag is later.
 * Uncapped charges (equal shares of worker time) were measured worse in the storm: the slowest name, password hashing,
 * fell to a quarter of the others' rate. A name not measured yet is charged a full quantum. Tags count nanoseconds
 * from the last time the queue was empty, so they cannot overflow while the queue keeps emptying now and then.
 *
 * <p>Thread-safe (one lock). Bounded by {@code capacity} tasks in all. Elements that are not {@link CpuJob}s share
 * one name.
 */
final class FairTaskQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
    /** Dispatch order: start tag, then arrival. */
    private record Entry(Runnable task, long startTag, long arrival) {
        static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::startTag)
                .thenComparingLong(Entry::arrival);
    }

    /** One task name's waiting tasks, the tag after its last queued one and its tasks' mean run time. */
    private static final class Flow {
        final ArrayDeque<Entry> waiting = new ArrayDeque<>();
        long nextTag = Long.MIN_VALUE;
        /** Exponentially weighted mean run time in nanoseconds; negative until the first task of the name ran. */
        long meanRunNanos = -1;
    }

    /** Weight of the newest run in the mean: 1/8, so a change of the work shows within a few dozen tasks. */
    private static final int MEAN_SHIFT = 3;

    private final int capacity;
    private final long quantumNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** Each name's flow; a name stays once seen (names come from code, so they are few). */
    private final Map<String, Flow> flows = new HashMap<>();
    private long clock;
    private long arrivals;
    private int count;

    /**
     * @param capacity tasks waiting at most
     * @param quantum  run time one turn is worth; tasks at least this long take one turn each
     */
    FairTaskQueue(int capacity, Duration quantum) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (!quantum.isPositive()) {
            throw new IllegalArgumentException("quantum must be positive, got " + quantum);
        }
        this.capacity = capacity;
        this.quantumNanos = quantum.toNanos();
    }

    private static String name(Object task) {
        return task instanceof CpuJob<?> job ? job.task() : "";
    }

    @Override
    public boolean offer(Runnable task) {
        Objects.requireNonNull(task);
        lock.lock();
        try {
            if (count == capacity) {
                return false;
            }
            Flow flow = flows.computeIfAbsent(name(task), t -> new Flow());
            long start = Math.max(clock - quantumNanos, flow.nextTag);
            flow.nextTag = start + (flow.meanRunNanos < 0 ? quantumNanos : Math.min(quantumNanos, flow.meanRunNanos));
            flow.waiting.addLast(new Entry(task, start, arrivals++));
            count++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Records that a task of {@code name} ran for {@code runNanos}; later tasks of the name are charged the mean. */
    void ran(String name, long runNanos) {
        lock.lock();
        try {
            Flow flow = flows.computeIfAbsent(name, t -> new Flow());
            long run = Math.max(0, runNanos);
            flow.meanRunNanos = flow.meanRunNanos < 0 ? run
                    : flow.meanRunNanos + ((run - flow.meanRunNanos) >> MEAN_SHIFT);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable poll() {
        lock.lock();
        try {
            return count == 0 ? null : dequeue();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                notEmpty.await();
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held, count > 0: removes the waiting task with the smallest tag and moves the clock to it. */
    private Runnable dequeue() {
        Flow next = null;
        for (Flow flow : flows.values()) {
            Entry head = flow.waiting.peekFirst();
            if (head != null && (next == null || Entry.ORDER.compare(head, next.waiting.peekFirst()) < 0)) {
                next = flow;
            }
        }
        Entry entry = Objects.requireNonNull(next).waiting.pollFirst();
        clock = Math.max(clock, entry.startTag());
        if (--count == 0) {
            rebase();
        }
        return entry.task();
    }

    /**
     * Lock held, queue empty: moves the clock back to zero and every name's next tag with it, keeping the order the
     * next tasks will get (a tag more than a quantum behind the clock counts as the clock less one quantum anyway).
     */
    private void rebase() {
        for (Flow flow : flows.values()) {
            flow.nextTag = Math.max(flow.nextTag, clock - quantumNanos) - clock;
        }
        clock = 0;
    }

    @Override
    public Runnable peek() {
        lock.lock();
        try {
            return flows.values().stream().map(flow -> flow.waiting.peekFirst()).filter(Objects::nonNull)
                    .min(Entry.ORDER).map(Entry::task).orElse(null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(Runnable task) throws InterruptedException {
        throw new UnsupportedOperationException("the pool refuses work when the queue is full; it never blocks");
    }

    @Override
    public boolean offer(Runnable task, long timeout, TimeUnit unit) {
        return offer(task);
    }

    @Override
    public boolean remove(Object task) {
        lock.lock();
        try {
            Flow flow = flows.get(name(task));
            if (flow != null && flow.waiting.removeIf(entry -> entry.task().equals(task))) {
                count--;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int remainingCapacity() {
        return capacity - size();
    }

    @Override
    public int drainTo(Collection<? super Runnable> sink) {
        return drainTo(sink, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Runnable> sink, int maxElements) {
        lock.lock();
        try {
            int drained = 0;
            while (count > 0 && drained < maxElements) {
                sink.add(dequeue());
                drained++;
            }
            return drained;
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot in dispatch order; its {@code remove} removes the task from the queue. */
    @Override
    public Iterator<Runnable> iterator() {
        List<Runnable> snapshot = new ArrayList<>();
        lock.lock();
        try {
            flows.values().stream().flatMap(flow -> flow.waiting.stream()).sorted(Entry.ORDER)
                    .forEach(entry -> snapshot.add(entry.task()));
        } finally {
            lock.unlock();
        }
        Iterator<Runnable> it = snapshot.iterator();
        return new Iterator<>() {
            private Runnable last;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Runnable next() {
                last = it.next();
                return last;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException();
                }
                FairTaskQueue.this.remove(last);
                last = null;
            }
        };
    }
}
