package io.keel.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Process-wide logging safety nets: an uncaught exception in any thread is logged with the thread's name instead of
 * vanishing to stderr (it ends that thread, never the process), and java.util.logging (Helidon, HikariCP) is routed to
 * SLF4J so every log line has one format. Installing twice is harmless.
 */
final class LoggingSafety {
    private static final Logger LOG = LoggerFactory.getLogger("io.keel.uncaught");

    private LoggingSafety() {
    }

    static synchronized void installUncaughtHandler() {
        Thread.setDefaultUncaughtExceptionHandler((thread, error) ->
                LOG.error("uncaught exception in thread '{}'", thread.getName(), error));
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
