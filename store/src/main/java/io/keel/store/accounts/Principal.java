package io.keel.store.accounts;

import java.util.Optional;

/**
 * Who is calling: a signed-in user, or the operator token (which is not a user: it may read everything and use admin
 * routes, but cannot act as a customer).
 *
 * @param account   the user; empty for the operator
 * @param tokenHash the session's token hash; empty for the operator
 */
public record Principal(Optional<Account> account, Optional<String> tokenHash) {
    public static Principal operator() {
        return new Principal(Optional.empty(), Optional.empty());
    }

    public static Principal user(Account account, String tokenHash) {
        return new Principal(Optional.of(account), Optional.of(tokenHash));
    }

    public boolean isOperator() {
        return account.isEmpty();
    }

    /** Operator or a user with the admin role: may see every user's resources. */
    public boolean seesAll() {
        return isOperator() || account.get().role() == Role.ADMIN;
    }

    /** True when this principal may see a resource owned by {@code ownerId}. */
    public boolean canSee(long ownerId) {
        return seesAll() || account.get().id() == ownerId;
    }
}
