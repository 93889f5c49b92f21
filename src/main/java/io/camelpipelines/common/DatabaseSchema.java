package io.camelpipelines.common;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.camelpipelines.infra.StartupFailure;

/** Applies a pipeline's schema file at startup; every statement in it is idempotent (IF NOT EXISTS). */
public final class DatabaseSchema {

    private static final String COMMON = common();

    private DatabaseSchema() {
    }

    private static String common() {
        try (var in = DatabaseSchema.class.getClassLoader().getResourceAsStream("sql/common/schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("sql/common/schema.sql missing from the classpath");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("sql/common/schema.sql cannot be read", e);
        }
    }

    /** Applies the shared schema (sql/common/schema.sql), then the pipeline's own statements. */
    public static void apply(DataSource dataSource, String sql, String pipeline, String url) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String statement : (COMMON + ";\n" + sql).split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new StartupFailure("Cannot create the " + pipeline + " tables in PostgreSQL at "
                    + io.camelpipelines.infra.Secrets.mask(url) + ": "
                    + e.getMessage() + " (check postgres.url, postgres.user, postgres.password, or set " + pipeline
                    + ".enabled=false)", e);
        }
    }
}
