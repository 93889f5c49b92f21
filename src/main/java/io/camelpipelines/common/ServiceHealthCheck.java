package io.camelpipelines.common;

import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check that really talks to one external service (a query, a ping, a cluster call):
 * UP with what it answered, DOWN with why not. It turns UP again by itself when the service returns.
 */
public class ServiceHealthCheck extends AbstractHealthCheck {

    private final String address;
    private final Callable<String> probe;

    /**
     * @param probe talks to the service within a few seconds and returns a one-line answer, or throws
     */
    public ServiceHealthCheck(String id, String address, Callable<String> probe) {
        super("services", id);
        this.address = io.camelpipelines.infra.Secrets.mask(address);
        this.probe = probe;
    }

    @Override
    public boolean isLiveness() {
        // a missing dependency makes the app unready, not dead: restarting it would not bring the service back
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("address", address);
        try {
            builder.detail("answer", io.camelpipelines.infra.Secrets.mask(probe.call()));
            builder.up();
        } catch (Exception e) {
            builder.message(getId() + " unreachable at " + address + ": "
                    + io.camelpipelines.infra.Secrets.mask(rootMessage(e)));
            builder.down();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
