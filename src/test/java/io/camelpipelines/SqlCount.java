package io.camelpipelines;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.sql.DataSource;

/** The one number a test's {@code SELECT count(…) …} query answers, its {@code ?} parameters bound in order. */
public final class SqlCount {

    private SqlCount() {
    }

    public static long of(DataSource db, String sql, Object... parameters) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
