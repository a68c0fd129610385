package io.keel.store.catalog;

import io.keel.store.db.Jdbc;
import io.keel.store.db.Page;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The product catalog. Thread-safe and stateless; every call borrows one pooled connection and blocks on the
 * database.
 */
public final class ProductRepository {
    /** Largest page the repository serves; the HTTP layer enforces its own, smaller limit. */
    public static final int MAX_PAGE_SIZE = 1_000;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    /** Keeps IN lists (and the statements the database must parse for them) small whatever the caller passes. */
    private static final int IDS_PER_QUERY = 500;
    private static final String COLUMNS = "id, sku, name, price_cents, currency";

    private final DataSource dataSource;

    public ProductRepository(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Adds a product.
     *
     * @throws IllegalArgumentException for a blank or too long sku/name, a negative price or a currency that is
     *                                  not three upper-case letters
     * @throws io.keel.store.db.DataAccessException when the sku exists already
     */
    public Product create(String sku, String name, long priceCents, String currency) {
        if (sku.isBlank() || sku.length() > Product.MAX_SKU_LENGTH || name.isBlank()
                || name.length() > Product.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("product sku/name must be 1.." + Product.MAX_SKU_LENGTH + "/1.."
                    + Product.MAX_NAME_LENGTH + " characters; were " + sku.length() + "/" + name.length());
        }
        if (priceCents < 0 || !CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException(
                    "product price must be >= 0 and currency ISO 4217; were " + priceCents + " " + currency);
        }
        String sql = "INSERT INTO products (sku, name, price_cents, currency) VALUES (?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql, new String[] {"id"})) {
            insert.setString(1, sku);
            insert.setString(2, name);
            insert.setLong(3, priceCents);
            insert.setString(4, currency);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return new Product(keys.getLong(1), sku, name, priceCents, currency);
            }
        } catch (SQLException e) {
            throw Jdbc.failure("creating product " + sku, e);
        }
    }

    /**
     * Products in id order, starting after {@code afterId}.
     *
     * @param limit   1..{@value #MAX_PAGE_SIZE}
     * @param afterId the last id of the previous page; empty for the first page
     * @return the page; its {@code next} cursor is the decimal id of its last product (parse it with
     *         {@link Long#parseLong}) and is empty on the last page
     * @throws IllegalArgumentException for a limit outside 1..{@value #MAX_PAGE_SIZE}
     */
    public Page<Product> page(int limit, Optional<Long> afterId) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit was " + limit + "; allowed 1.." + MAX_PAGE_SIZE);
        }
        String sql = "SELECT " + COLUMNS + " FROM products WHERE id > ? ORDER BY id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, afterId.orElse(Long.MIN_VALUE));
            // One row more than asked tells whether a next page exists without a second query.
            select.setInt(2, limit + 1);
            List<Product> products = new ArrayList<>(limit + 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    products.add(map(rows));
                }
            }
            if (products.size() <= limit) {
                return new Page<>(products, Optional.empty());
            }
            List<Product> items = products.subList(0, limit);
            return new Page<>(items, Optional.of(Long.toString(items.getLast().id())));
        } catch (SQLException e) {
            throw Jdbc.failure("listing products", e);
        }
    }

    /** The products with these ids; ids that do not exist are absent from the map. */
    public Map<Long, Product> findByIds(Collection<Long> ids) {
        List<Long> distinct = ids.stream().distinct().toList();
        if (distinct.isEmpty()) {
            return Map.of();
        }
        Map<Long, Product> found = new HashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < distinct.size(); from += IDS_PER_QUERY) {
                List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + IDS_PER_QUERY));
                String marks = chunk.stream().map(id -> "?").collect(Collectors.joining(", "));
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM products WHERE id IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setLong(i + 1, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            Product product = map(rows);
                            found.put(product.id(), product);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading products", e);
        }
        return Map.copyOf(found);
    }

    private static Product map(ResultSet rows) throws SQLException {
        return new Product(rows.getLong("id"), rows.getString("sku"), rows.getString("name"),
                rows.getLong("price_cents"), rows.getString("currency"));
    }
}
