package io.camelpipelines.infra;

import java.util.Map;

/** One service the application starts itself when no external one is configured. */
public interface EmbeddedService extends AutoCloseable {

    /** Short name used in the startup table and in errors: kafka, postgres, mongodb, elasticsearch. */
    String name();

    /** Starts the service and returns once it accepts clients. */
    void start() throws Exception;

    /**
     * False for a service Camel need not wait for: its clients connect lazily and retry, so routes may start while
     * it boots (Elasticsearch, whose boot is the longest). Such a service is {@link #reserve() reserved} first.
     */
    default boolean awaitedBeforeRoutes() {
        return true;
    }

    /**
     * Fixes, without starting anything, what {@link #connectionProperties()} names (its port, its location), so
     * clients can be configured while {@link #start()} still runs; start() keeps what was reserved.
     */
    default void reserve() throws Exception {
    }

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
