package io.keel.store.accounts;

import io.helidon.webserver.http.ServerRequest;
import io.keel.runtime.admin.AdminGuard;
import io.keel.runtime.admin.OperatorToken;
import io.keel.runtime.http.ProblemException;

import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Resolves the caller from {@code Authorization: Bearer <token>}: the operator token, or a live session (from the
 * {@link SessionCache}: in memory when the database is this process's alone, else one indexed join of session and
 * account per request, so sign-out takes effect at once in every process that shares the database). A missing,
 * unknown or expired token is a 401. Also the store's admin guard: the operator token or a user with the admin role.
 * Thread-safe; blocks on the database unless the session is cached.
 */
public final class Authenticator implements AdminGuard {
    private final OperatorToken operator;
    private final SessionCache sessions;
    private final LongConsumer seen;

    /**
     * @param seen told the id of every authenticated user, e.g. to count active users
     */
    public Authenticator(OperatorToken operator, SessionCache sessions, LongConsumer seen) {
        this.operator = operator;
        this.sessions = sessions;
        this.seen = seen;
    }

    /** The caller, or a 401. */
    public Principal require(ServerRequest req) {
        if (operator.matches(req)) {
            return Principal.operator();
        }
        String token = OperatorToken.bearer(req)
                .orElseThrow(() -> ProblemException.unauthorized("sign in and send Authorization: Bearer <token>"));
        String tokenHash = Tokens.hash(token);
        Optional<Account> account = sessions.findAccount(tokenHash);
        if (account.isEmpty()) {
            throw ProblemException.unauthorized("the token is unknown, expired or signed out");
        }
        seen.accept(account.get().id());
        return Principal.user(account.get(), tokenHash);
    }

    /** The calling user; the operator token gets a 403, since it is not a user. */
    public Account requireUser(ServerRequest req) {
        Principal principal = require(req);
        return principal.account().orElseThrow(() ->
                ProblemException.forbidden("the operator token is not a user; sign in as a user for this"));
    }

    /** Ends the session with this token hash at once, here and in every process sharing the database. Blocks. */
    public void signOut(String tokenHash) {
        sessions.delete(tokenHash);
    }

    @Override
    public void authorize(ServerRequest req) {
        if (!require(req).seesAll()) {
            throw ProblemException.forbidden("admin routes need the operator token or an admin user");
        }
    }
}
