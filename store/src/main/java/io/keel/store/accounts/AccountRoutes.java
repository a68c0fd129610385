package io.keel.store.accounts;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.ProblemException.FieldError;
import io.keel.runtime.http.Routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sign-up, sign-in and sign-out. Passwords are hashed and verified on the CPU pool; an unknown email costs the same
 * hashing as a wrong password, and both answer the same 401. Repeated failures are limited by {@link SignInThrottle}
 * (small per account, far higher and slowed down first per client address), answered 429 with {@code Retry-After}.
 */
public final class AccountRoutes {
    public static final int MIN_PASSWORD = 10;
    public static final int MAX_PASSWORD = 1024;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    record SignUp(String email, String password, String name) {
    }

    record SignIn(String email, String password) {
    }

    private final AccountRepository accounts;
    private final SessionRepository sessions;
    private final Passwords passwords;
    private final Tokens tokens = new Tokens();
    private final Authenticator auth;
    private final SignInThrottle throttle;
    private final Json json;
    private final long maxBody;
    private final Duration sessionTtl;
    private final Clock clock;

    public AccountRoutes(AccountRepository accounts, SessionRepository sessions, Passwords passwords,
                         Authenticator auth, SignInThrottle throttle, Json json, long maxBody, Duration sessionTtl,
                         Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.passwords = passwords;
        this.auth = auth;
        this.throttle = throttle;
        this.json = json;
        this.maxBody = maxBody;
        this.sessionTtl = sessionTtl;
        this.clock = clock;
    }

    public void register(Routes routes) {
        // sign-up and sign-in hash passwords on the CPU pool: heavy, so a login storm cannot crowd out light routes
        routes.route(Method.POST, "/api/accounts", Routes.Kind.HEAVY, this::signUp)
                .route(Method.POST, "/api/sessions", Routes.Kind.HEAVY, this::signIn)
                .delete("/api/sessions/current", this::signOut);
    }

    private void signUp(ServerRequest req, ServerResponse res) {
        SignUp body = json.read(req, SignUp.class, maxBody);
        List<FieldError> errors = new ArrayList<>();
        if (body.email() == null || body.email().length() > Account.MAX_EMAIL_LENGTH
                || !EMAIL.matcher(body.email()).matches()) {
            errors.add(new FieldError("email", "must be an email address of at most " + Account.MAX_EMAIL_LENGTH
                    + " characters"));
        }
        if (body.password() == null || body.password().length() < MIN_PASSWORD
                || body.password().length() > MAX_PASSWORD) {
            errors.add(new FieldError("password", "must be " + MIN_PASSWORD + ".." + MAX_PASSWORD + " characters"));
        }
        if (body.name() == null || body.name().isBlank() || body.name().length() > Account.MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "must be 1.." + Account.MAX_NAME_LENGTH + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (accounts.findByEmail(body.email()).isPresent()) {
            throw ProblemException.conflict("an account with this email already exists");
        }
        String hash = passwords.hash(body.password());
        Account account = accounts.create(body.email().trim(), body.name().trim(), Role.CUSTOMER, hash, clock.instant())
                .orElseThrow(() -> ProblemException.conflict("an account with this email already exists"));
        // No Location: there is no route that reads an account back, and a Location must not point at a 404.
        json.write(res, Status.CREATED_201, AccountView.of(account));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        SignIn body = json.read(req, SignIn.class, maxBody);
        if (body.email() == null || body.password() == null || body.password().length() > MAX_PASSWORD) {
            throw ProblemException.invalid(List.of(new FieldError("email", "email and password are required")));
        }
        SignInThrottle.Attempt attempt = throttle.admit(req, body.email());
        Optional<Account> account = accounts.findByEmail(body.email().trim());
        boolean ok = account.isPresent()
                ? passwords.verify(body.password(), account.get().passwordHash())
                : passwords.verifyDecoy(body.password());
        if (!ok) {
            throttle.failed(attempt);
            throw ProblemException.unauthorized("the email or password is wrong");
        }
        throttle.succeeded(attempt);
        String token = tokens.newToken();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(sessionTtl);
        sessions.create(new Session(Tokens.hash(token), account.get().id(), expiresAt, now));
        json.write(res, Status.CREATED_201, new SessionView(token, expiresAt));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Principal principal = auth.require(req);
        String tokenHash = principal.tokenHash().orElseThrow(() ->
                ProblemException.forbidden("the operator token is not a session and cannot sign out"));
        auth.signOut(tokenHash);
        res.status(Status.NO_CONTENT_204).send();
    }

    record SessionView(String token, Instant expiresAt) {
    }

    record AccountView(long id, String email, String name, String role, Instant createdAt) {
        static AccountView of(Account a) {
            return new AccountView(a.id(), a.email(), a.name(), a.role().jsonName(), a.createdAt());
        }
    }
}
