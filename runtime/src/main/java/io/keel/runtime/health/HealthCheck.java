package io.keel.runtime.health;

/**
 * One readiness condition, e.g. "the database answers a ping within 1 s". Called on every readiness probe from a
 * virtual thread; it may block briefly but must bound its own wait.
 */
@FunctionalInterface
public interface HealthCheck {
    /** The outcome of one check. */
    record Result(boolean up, String detail) {
        public static Result up(String detail) {
            return new Result(true, detail);
        }

        public static Result down(String detail) {
            return new Result(false, detail);
        }
    }

    Result check();
}
