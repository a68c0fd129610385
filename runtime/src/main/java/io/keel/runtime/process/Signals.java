package io.keel.runtime.process;

import io.keel.runtime.KeelException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Handles a POSIX signal ({@code TERM}, {@code INT}, {@code HUP}) in place of the JVM's default, through
 * {@code sun.misc.Signal}, the JDK's only way to do so. It is reached by reflection, in this one place: javac's
 * warning about a proprietary API is mandatory, cannot be suppressed, and the build treats every warning as an error.
 * Thread-safe; the handler runs on a JVM signal thread, so it should hand long work to another thread.
 */
public final class Signals {
    private Signals() {
    }

    /**
     * Replaces the handling of the signal {@code name} (without {@code SIG}) by {@code handler}.
     *
     * @throws KeelException when this JVM cannot handle that signal
     */
    public static void handle(String name, Runnable handler) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (self, method, args) -> invoke(self, method, args, handler));
            signal.getMethod("handle", signal, handlerType)
                    .invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
        } catch (InvocationTargetException e) {
            throw new KeelException("cannot handle SIG" + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new KeelException("cannot handle SIG" + name + " in this JVM: " + e, e);
        }
    }

    @SuppressWarnings("ReferenceEquality") // a proxy is equal only to itself; equals() would call back here
    private static Object invoke(Object self, Method method, Object[] args, Runnable handler) {
        return switch (method.getName()) {
            case "handle" -> {
                handler.run();
                yield null;
            }
            case "equals" -> self == args[0];
            case "hashCode" -> System.identityHashCode(self);
            default -> "signal handler " + handler;
        };
    }
}
