package io.keel.bench.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.ToIntFunction;

/**
 * The check of scenario 7: every order the client saw acknowledged is read back; 200 = it exists, 404 = it was
 * lost, anything else (or no answer, given as -1) is asked once more and then counted as unknown, never as found.
 * Blocking; at most 8 lookups at a time. Stateless.
 */
public final class LostOrders {
    private LostOrders() {
    }

    /**
     * What the check found. Immutable.
     *
     * @param checked acknowledged ids looked up
     * @param missing ids the service answered 404 for
     * @param unknown ids it gave no clear answer for
     */
    public record Result(int checked, List<String> missing, List<String> unknown) {
        public Result {
            missing = List.copyOf(missing);
            unknown = List.copyOf(unknown);
        }

        /** Nothing lost and nothing left unknown. */
        public boolean allFound() {
            return missing.isEmpty() && unknown.isEmpty();
        }
    }

    /** Looks up every id with {@code statusOf} (the HTTP status of {@code GET /api/orders/{id}}, -1 on error). */
    public static Result check(List<String> ids, ToIntFunction<String> statusOf) {
        List<String> missing = Collections.synchronizedList(new ArrayList<>());
        List<String> unknown = Collections.synchronizedList(new ArrayList<>());
        Semaphore parallel = new Semaphore(8);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : ids) {
                parallel.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        int status = statusOf.applyAsInt(id);
                        if (status != 200 && status != 404) {
                            status = statusOf.applyAsInt(id);
                        }
                        if (status == 404) {
                            missing.add(id);
                        } else if (status != 200) {
                            unknown.add(id);
                        }
                    } finally {
                        parallel.release();
                    }
                });
            }
        }
        return new Result(ids.size(), missing.stream().sorted().toList(), unknown.stream().sorted().toList());
    }
}
