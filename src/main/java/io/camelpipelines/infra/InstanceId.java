package io.camelpipelines.infra;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * This instance's name among the instances sharing one Kafka, PostgreSQL, MongoDB and Elasticsearch:
 * {@code pipelines.instance-id} ({@code PIPELINES_INSTANCE_ID}) or, unset, {@code <host>-<pid>}. It names the
 * instance's Kafka clients (so a partition's owner is known), its cluster membership and its log lines.
 */
public final class InstanceId {

    private InstanceId() {
    }

    public static String resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        int dot = host.indexOf('.');
        return (dot > 0 ? host.substring(0, dot) : host) + "-" + ProcessHandle.current().pid();
    }
}
