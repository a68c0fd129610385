package io.keel.store;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made on first use and kept: for what costs start-up time a request may never need (loading a native
 * library). Thread-safe: concurrent first callers block until the one making it is done (since JDK 24 a virtual
 * thread waiting on the lock does not pin its carrier), and the value is made once. A supplier that throws leaves
 * nothing kept, so the next call tries again. The supplier must not return null.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<? extends T> maker;
    /** Written once, under this object's lock; null until then. */
    private volatile T value;

    private Lazy(Supplier<? extends T> maker) {
        this.maker = Objects.requireNonNull(maker, "maker");
    }

    public static <T> Lazy<T> of(Supplier<? extends T> maker) {
        return new Lazy<>(maker);
    }

    @Override
    public T get() {
        T made = value;
        if (made != null) {
            return made;
        }
        synchronized (this) {
            if (value == null) {
                value = Objects.requireNonNull(maker.get(), "the lazy value's supplier returned null");
            }
            return value;
        }
    }
}
