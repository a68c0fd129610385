package io.keel.store;

import io.keel.runtime.cpu.CpuPool;
import io.keel.runtime.cpu.CpuWork;
import io.keel.runtime.http.Routes;

/**
 * The seam through which a benchmark baseline assembles the store differently; the shipped store ({@link StoreMain})
 * always uses {@link #SHIPPED}: CPU work on the runtime's bounded pool and only the store's own routes. No setting
 * selects anything else. The benchmark's naive baseline ({@code io.keel.bench.naive} in the bench module) runs CPU
 * work on the request threads and puts its own export and upload routes ahead of the store's.
 */
public interface StoreParts {
    /** The product: nothing replaced. */
    StoreParts SHIPPED = new StoreParts() {
    };

    /** Where the store runs its CPU-heavy work (password hashing, thumbnails, invoices). */
    default CpuWork cpuWork(CpuPool pool) {
        return pool;
    }

    /**
     * Registers routes ahead of the store's own; for the same method and path they answer instead.
     *
     * @param store  the store being assembled: its database is open, it is not listening yet
     * @param config the store's settings
     */
    default void routesFirst(Routes routes, StoreService store, StoreConfig config) {
    }
}
