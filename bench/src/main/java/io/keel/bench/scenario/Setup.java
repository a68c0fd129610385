package io.keel.bench.scenario;

import java.util.ArrayList;
import java.util.List;

/** Creates the user and orders the light load reads. Blocking; runs once per scenario. */
final class Setup {
    private Setup() {
    }

    static LightLoad light(ScenarioContext ctx) {
        StoreClient store = ctx.store();
        StoreClient.User user = store.newUser();
        List<String> products = store.productIds(20);
        int orders = ctx.options().quick() ? 5 : 20;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            ids.add(store.placeOrder(user, products.get(i % products.size())));
        }
        ctx.log().println("setup: user " + user.email() + ", " + ids.size() + " orders");
        return new LightLoad(store, user, ids);
    }

    /** The rate for the light load: --rate, or half the measured peak (at least 1/s). */
    static double lightRate(ScenarioContext ctx, double peak) {
        return ctx.options().rate() > 0 ? ctx.options().rate() : Math.max(1, Math.floor(peak / 2));
    }
}
