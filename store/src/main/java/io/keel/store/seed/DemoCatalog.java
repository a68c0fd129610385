package io.keel.store.seed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The generated product catalog, held in arrays because order generation looks products up millions of times.
 * Product {@code i} (0-based) gets id {@code i + 1}. Immutable after construction.
 */
final class DemoCatalog {
    static final String USD = "USD";
    static final String EUR = "EUR";
    private static final String[] ADJECTIVES = {"Sturdy", "Compact", "Classic", "Modern", "Rustic", "Smart",
        "Portable", "Deluxe", "Essential", "Vintage", "Ergonomic", "Quiet", "Bright", "Heavy-Duty", "Eco"};
    private static final String[] MATERIALS = {"Oak", "Steel", "Cotton", "Ceramic", "Bamboo", "Leather", "Glass",
        "Wool", "Copper", "Linen", "Granite", "Carbon"};
    private static final String[] NOUNS = {"Chair", "Lamp", "Mug", "Backpack", "Desk", "Kettle", "Blanket",
        "Notebook", "Speaker", "Bottle", "Shelf", "Clock", "Pan", "Jacket", "Headphones", "Planter"};

    final String[] skus;
    final String[] names;
    final long[] prices;
    final String[] currencies;
    /** Product indexes per currency, so an order can pick all its items in one currency. */
    final int[] usdProducts;
    final int[] eurProducts;

    private DemoCatalog(int size, SplittableRandom random) {
        skus = new String[size];
        names = new String[size];
        prices = new long[size];
        currencies = new String[size];
        List<Integer> usd = new ArrayList<>();
        List<Integer> eur = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            long id = i + 1L;
            skus[i] = String.format("KEEL-%06d", id);
            names[i] = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + MATERIALS[random.nextInt(MATERIALS.length)]
                    + " " + NOUNS[random.nextInt(NOUNS.length)];
            prices[i] = random.nextInt(1, 500) * 100L - 1; // 99 .. 49,899 cents, shop-style .99 prices
            currencies[i] = id % 5 == 0 ? EUR : USD;
            (id % 5 == 0 ? eur : usd).add(i);
        }
        usdProducts = usd.stream().mapToInt(Integer::intValue).toArray();
        eurProducts = eur.stream().mapToInt(Integer::intValue).toArray();
    }

    static DemoCatalog generate(int size, SplittableRandom random) {
        return new DemoCatalog(size, random);
    }

    int size() {
        return skus.length;
    }

    /** The products an order in this currency draws from: about 80% of orders are in USD. */
    int[] productsForNextOrder(SplittableRandom random) {
        if (eurProducts.length == 0) {
            return usdProducts;
        }
        if (usdProducts.length == 0) {
            return eurProducts;
        }
        return random.nextInt(5) == 0 ? eurProducts : usdProducts;
    }
}
