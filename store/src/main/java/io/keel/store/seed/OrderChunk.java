package io.keel.store.seed;

import java.util.SplittableRandom;

/**
 * A batch of generated orders and their items, column by column. The seeder generates and writes one chunk at a
 * time, so memory stays bounded by the chunk size whatever the plan's order count.
 */
final class OrderChunk {
    static final int MAX_ITEMS_PER_ORDER = 5;
    private static final long NINETY_DAYS_MICROS = 90L * 24 * 3600 * 1_000_000;

    final int orders;
    final long[] orderIds;
    final long[] userIds;
    final long[] createdMicros;
    final String[] currencies;
    final long[] totals;
    /** Lines per order, stored as orders.item_count so exports need not count items. */
    final int[] itemCounts;
    int items;
    final long[] itemOrderIds;
    final int[] itemLineNos;
    final int[] itemProducts;
    final int[] itemQuantities;

    private OrderChunk(int orders) {
        this.orders = orders;
        orderIds = new long[orders];
        userIds = new long[orders];
        createdMicros = new long[orders];
        currencies = new String[orders];
        totals = new long[orders];
        itemCounts = new int[orders];
        int maxItems = orders * MAX_ITEMS_PER_ORDER;
        itemOrderIds = new long[maxItems];
        itemLineNos = new int[maxItems];
        itemProducts = new int[maxItems];
        itemQuantities = new int[maxItems];
    }

    /** Orders {@code firstId .. firstId + count - 1}, drawn from {@code random} in a fixed sequence. */
    static OrderChunk generate(long firstId, int count, int customers, DemoCatalog catalog, long nowMicros,
                               SplittableRandom random) {
        OrderChunk chunk = new OrderChunk(count);
        int[] picked = new int[MAX_ITEMS_PER_ORDER];
        for (int o = 0; o < count; o++) {
            long orderId = firstId + o;
            int[] pool = catalog.productsForNextOrder(random);
            int lines = Math.min(random.nextInt(1, MAX_ITEMS_PER_ORDER + 1), pool.length);
            long total = 0;
            for (int line = 0; line < lines; line++) {
                int product = distinctPick(pool, picked, line, random);
                picked[line] = product;
                int quantity = random.nextInt(10) < 7 ? 1 : random.nextInt(2, 6);
                int at = chunk.items++;
                chunk.itemOrderIds[at] = orderId;
                chunk.itemLineNos[at] = line + 1;
                chunk.itemProducts[at] = product;
                chunk.itemQuantities[at] = quantity;
                total += catalog.prices[product] * quantity;
            }
            chunk.orderIds[o] = orderId;
            chunk.userIds[o] = random.nextInt(customers) + 1L;
            chunk.createdMicros[o] = nowMicros - random.nextLong(NINETY_DAYS_MICROS);
            chunk.currencies[o] = catalog.currencies[picked[0]];
            chunk.totals[o] = total;
            chunk.itemCounts[o] = lines;
        }
        return chunk;
    }

    /** A product not yet on this order (lines never exceed the pool size, so one always exists). */
    private static int distinctPick(int[] pool, int[] picked, int taken, SplittableRandom random) {
        while (true) {
            int candidate = pool[random.nextInt(pool.length)];
            boolean fresh = true;
            for (int i = 0; i < taken; i++) {
                fresh &= picked[i] != candidate;
            }
            if (fresh) {
                return candidate;
            }
        }
    }
}
