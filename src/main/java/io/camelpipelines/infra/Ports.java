package io.camelpipelines.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.IntSupplier;

/** Port checks done before a service starts, so a clash is one clear line and not a bind stack trace. */
public final class Ports {

    private Ports() {
    }

    /**
     * Returns the port to bind: the configured one after checking it is free, or a free one when 0.
     *
     * @param property the property that sets the port, named in the error
     */
    public static int claim(String host, int port, String property) {
        if (port == 0) {
            return free(host);
        }
        if (inUse(host, port)) {
            throw new StartupFailure("Port " + port + " on " + host + " is already in use: stop what holds it or change "
                    + property + " (0 picks a free port)");
        }
        return port;
    }

    /**
     * The port a service's start binds: the one it had (a restart: its clients know it), else the configured one
     * ({@link #claim}), else one from {@code free} when both are 0.
     */
    public static int keepOrClaim(String host, int current, int requested, String property, IntSupplier free) {
        if (current == 0 && requested == 0) {
            return free.getAsInt();
        }
        return claim(host, current != 0 ? current : requested, property);
    }

    /**
     * A port free now. The socket is closed before the service binds it, and the system may hand the same port to
     * the next caller: two services of one start then clash (seen: Kafka's listener and its controller). So a port
     * is never handed out twice by this process.
     */
    public static int free(String host) {
        for (int attempt = 0; ; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new StartupFailure("No free port on " + host + ": " + e.getMessage());
            }
            if (HANDED_OUT.add(port) || attempt >= 100) {
                return port;
            }
        }
    }

    /** Whether another socket holds the port now (a bind to it fails). */
    public static boolean inUse(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
