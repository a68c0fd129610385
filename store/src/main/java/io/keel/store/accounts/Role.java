package io.keel.store.accounts;

import java.util.Locale;

/** What an account may do. Stored and shown in JSON by its lower-case {@link #jsonName()}. */
public enum Role {
    CUSTOMER,
    ADMIN;

    /** "customer" or "admin": the name in JSON and in the database. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role with the given JSON name.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Role ofJsonName(String name) {
        for (Role role : values()) {
            if (role.jsonName().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; allowed customer, admin");
    }
}
