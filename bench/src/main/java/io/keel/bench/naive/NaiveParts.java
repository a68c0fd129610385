package io.keel.bench.naive;

import io.keel.runtime.KeelConfig;
import io.keel.runtime.admin.OperatorToken;
import io.keel.runtime.cpu.CpuPool;
import io.keel.runtime.cpu.CpuWork;
import io.keel.runtime.http.Routes;
import io.keel.store.StoreConfig;
import io.keel.store.StoreParts;
import io.keel.store.StoreService;
import io.keel.store.accounts.Authenticator;
import io.keel.store.accounts.SessionCache;
import io.keel.store.accounts.SessionRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * How a naive service does what the store does carefully: CPU work inline on the request's (virtual) thread, so it
 * occupies a carrier and is never refused or timed out; the order export and uploads through {@link NaiveExport} and
 * {@link NaiveUpload}, which hold the whole body in memory.
 */
final class NaiveParts implements StoreParts {
    @Override
    public CpuWork cpuWork(CpuPool pool) {
        return NaiveParts::inline;
    }

    private static <T> T inline(String task, Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cpu task '" + task + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void routesFirst(Routes routes, StoreService store, StoreConfig config) {
        KeelConfig keel = store.keel().config();
        Clock clock = Clock.systemUTC();
        // Uncached: sign-out goes through the store's own authenticator, which this one would not hear of.
        SessionCache sessions = SessionCache.create(new SessionRepository(store.database().dataSource()), 0, false,
                clock, new SimpleMeterRegistry());
        Authenticator auth = new Authenticator(new OperatorToken(keel.adminToken()), sessions, user -> { });
        new NaiveExport(store.database(), auth, store.keel().json().mapper(), clock).register(routes);
        new NaiveUpload(store, auth, config.maxUploadSize(), clock).register(routes);
    }
}
