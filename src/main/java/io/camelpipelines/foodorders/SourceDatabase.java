package io.camelpipelines.foodorders;

import java.net.URI;

import io.camelpipelines.infra.StartupFailure;

/** Host, port and database of a PostgreSQL JDBC URL: Debezium connects by those, not by the URL. */
record SourceDatabase(String host, int port, String database) {

    static SourceDatabase of(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new StartupFailure("postgres.url must be a jdbc:postgresql:// URL for change data capture, not '"
                    + io.camelpipelines.infra.Secrets.mask(jdbcUrl) + "'");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new SourceDatabase(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                path.isEmpty() ? "postgres" : path);
    }
}
