package io.camelpipelines.infra;

import java.util.Map;

/** One service the application starts itself when no external one is configured. */
public interface EmbeddedService extends AutoCloseable {

    /** Short name used in the startup table and in errors: kafka, postgres, mongodb, elasticsearch. */
    String name();

    /** Starts the service and returns once it accepts clients. */
    void start() throws Exception;

    /** Where clients reach it, as printed in the startup table. */
    String address();

    /** How it runs, as printed in the startup table. */
    String description();

    /** The connection properties clients use, which override the unset ones. */
    Map<String, String> connectionProperties();

    /** Stops the service; safe to call twice and on a service that never started. */
    @Override
    void close();
}
