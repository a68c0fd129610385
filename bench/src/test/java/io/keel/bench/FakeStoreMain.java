package io.keel.bench;

import io.keel.bench.scenario.FakeStore;

/**
 * Stand-in for {@code io.keel.store.StoreMain} in launcher tests: serves a {@link FakeStore}, prints the
 * store's ready line and runs until SIGTERM.
 */
public final class FakeStoreMain {
    private FakeStoreMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("args: " + String.join(" ", args) + " token-set=" + (System.getenv("KEEL_ADMIN_TOKEN") != null));
        FakeStore store = new FakeStore();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("received SIGTERM");
            store.close();
        }));
        System.out.println("12:00:00.000 INFO  i.k.store.StoreService  - store ready at http://localhost:"
                + store.url().getPort() + "/ (database H2)");
        Thread.sleep(Long.MAX_VALUE);
    }
}
