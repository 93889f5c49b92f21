package io.camelpipelines.common;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.camelpipelines.infra.StartupFailure;

/** Applies a pipeline's schema file at startup; every statement in it is idempotent (IF NOT EXISTS). */
public final class DatabaseSchema {

    private DatabaseSchema() {
    }

    public static void apply(DataSource dataSource, String sql, String pipeline, String url) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String statement : sql.split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new StartupFailure("Cannot create the " + pipeline + " tables in PostgreSQL at " + url + ": "
                    + e.getMessage() + " (check postgres.url, postgres.user, postgres.password, or set " + pipeline
                    + ".enabled=false)", e);
        }
    }
}
