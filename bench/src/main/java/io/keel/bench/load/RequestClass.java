package io.keel.bench.load;

import io.keel.bench.BenchException;

/**
 * Name of a kind of request ("light-order", "thumbnail") under which latencies and errors are grouped.
 * Lower-case letters, digits and dashes, so it can be a file name and a JSON key. Immutable.
 */
public record RequestClass(String name) {
    public RequestClass {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,39}")) {
            throw new BenchException("request class name must match [a-z0-9][a-z0-9-]{0,39}, got '" + name + "'");
        }
    }

    public static RequestClass of(String name) {
        return new RequestClass(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
