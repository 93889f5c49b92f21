package io.camelpipelines.common;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of parsed records as one statement and one commit: the statement takes one array
 * parameter per column ({@code INSERT … SELECT … FROM unnest(?::text[], …) ON CONFLICT … DO NOTHING}),
 * so PostgreSQL parses and plans once per batch instead of once per row. The statement must be
 * idempotent on the natural key, so a redelivered batch changes nothing.
 * A batch the database refuses for its data (SQLSTATE class 22 or 23) is written again row by row
 * (the same statement with one-element arrays), each under a savepoint, and only the refused rows
 * become dead letters; any other failure is thrown so that the route retries the whole batch.
 */
public class JdbcBatchWriter<T> {

    /** One array parameter of the statement: its SQL element type and how a value fills it. */
    public record Column<T>(String sqlType, Function<T, Object> value) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatchWriter.class);

    private final String pipeline;
    private final DataSource dataSource;
    private final String sql;
    private final List<Column<T>> columns;
    private final PipelineMetrics metrics;

    public JdbcBatchWriter(String pipeline, DataSource dataSource, String sql, List<Column<T>> columns,
                           PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.dataSource = dataSource;
        this.sql = sql;
        this.columns = columns;
        this.metrics = metrics;
    }

    @SuppressWarnings("unchecked")
    public void write(Exchange exchange) throws SQLException {
        List<ParsedRecord<T>> rows = exchange.getMessage().getBody(List.class);
        if (rows == null || rows.isEmpty()) {
            return;
        }
        List<DeadLetter> refused = write(rows, exchange.getFromRouteId());
        if (!refused.isEmpty()) {
            List<DeadLetter> all = new ArrayList<>(exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class));
            all.addAll(refused);
            exchange.setProperty(KafkaRecordBatch.DEAD_LETTERS, all);
        }
        metrics.count(pipeline, PipelineMetrics.Kind.OUT, rows.size() - refused.size());
    }

    /** Writes the rows; returns those the database refused for their data. */
    public List<DeadLetter> write(List<ParsedRecord<T>> rows, String route) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(c, ps, rows);
                ps.executeUpdate();
                c.commit();
                return List.of();
            } catch (SQLException e) {
                c.rollback();
                if (!isDataError(e)) {
                    throw e;
                }
                LOG.warn("{}: the database refused a batch of {} ({}); writing it row by row", pipeline, rows.size(),
                        e.getMessage());
                return writeOneByOne(c, rows, route);
            }
        }
    }

    private void bind(Connection c, PreparedStatement ps, List<ParsedRecord<T>> rows) throws SQLException {
        for (int col = 0; col < columns.size(); col++) {
            Column<T> column = columns.get(col);
            Object[] values = new Object[rows.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = column.value().apply(rows.get(i).value());
            }
            Array array = c.createArrayOf(column.sqlType(), values);
            ps.setArray(col + 1, array);
        }
    }

    private List<DeadLetter> writeOneByOne(Connection c, List<ParsedRecord<T>> rows, String route) throws SQLException {
        List<DeadLetter> refused = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (ParsedRecord<T> row : rows) {
                Savepoint sp = c.setSavepoint();
                try {
                    bind(c, ps, List.of(row));
                    ps.executeUpdate();
                    c.releaseSavepoint(sp);
                } catch (SQLException e) {
                    if (!isDataError(e)) {
                        c.rollback();
                        throw e;
                    }
                    c.rollback(sp);
                    refused.add(KafkaRecordBatch.deadLetter(row.source(), "refused by the database: " + e.getMessage(), route));
                }
            }
            c.commit();
        }
        return refused;
    }

    // 22: data exception (value too long, bad number...), 23: integrity constraint violation
    static boolean isDataError(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
