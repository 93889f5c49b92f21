package io.camelpipelines.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new StartupFailure("Port " + port + " on " + host + " is already in use: stop what holds it or change "
                    + property + " (0 picks a free port)");
        }
    }

    public static int free(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new StartupFailure("No free port on " + host + ": " + e.getMessage());
        }
    }
}
