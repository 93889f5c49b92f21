package io.camelpipelines.common;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of parsed records the fastest way PostgreSQL takes rows: COPY (text format) into a temporary
 * staging table of the connection, then one {@code INSERT … SELECT … FROM staging ON CONFLICT … DO NOTHING} and one
 * commit. The staging table is {@code ON COMMIT DELETE ROWS}, so it is empty again after every batch, committed or
 * rolled back; the merge statement must be idempotent on the natural key, so a redelivered batch changes nothing.
 * A batch the database refuses for its data (SQLSTATE class 22 or 23, in the COPY or in the merge) is written again
 * row by row, each under a savepoint, and only the refused rows become dead letters; any other failure is thrown so
 * that the route retries the whole batch.
 */
public class CopyBatchWriter<T> {

    /** One column of the staging table, in its order: its name and how a record's value fills it. */
    public record Column<T>(String name, Function<T, Object> value) {
    }

    /** The SQL of one sink: the staging table's name and DDL (a TEMP table), and the merge from it into the table. */
    public record Statements(String staging, String createStaging, String merge) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(CopyBatchWriter.class);

    private final String pipeline;
    private final DataSource dataSource;
    private final Statements sql;
    private final List<Column<T>> columns;
    private final String copy;
    private final PipelineMetrics metrics;
    // physical connections (pooled ones live on) that already have the staging table; weak, so closed ones go
    // an estimate only, so neither lock nor volatile: a consumer that reads a stale value sizes one buffer less well
    private int bytesPerRow = 256;
    private final Set<PGConnection> staged = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public CopyBatchWriter(String pipeline, DataSource dataSource, Statements sql, List<Column<T>> columns,
                           PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.dataSource = dataSource;
        this.sql = sql;
        this.columns = columns;
        this.copy = "COPY " + sql.staging() + " (" + columns.stream().map(Column::name).collect(Collectors.joining(", "))
                + ") FROM STDIN";
        this.metrics = metrics;
    }

    /** Writes the batch and counts it out: the step of a pipeline whose only store this is. */
    public void write(Exchange exchange) throws SQLException {
        metrics.count(pipeline, PipelineMetrics.Kind.OUT, store(exchange));
    }

    /**
     * Writes the batch, adds the rows the database refused to its dead letters, and returns how many it wrote,
     * without counting them out: for a sink with a second store after this one, which counts once both hold them.
     */
    @SuppressWarnings("unchecked")
    public int store(Exchange exchange) throws SQLException {
        List<ParsedRecord<T>> rows = exchange.getMessage().getBody(List.class);
        if (rows == null || rows.isEmpty()) {
            return 0;
        }
        List<DeadLetter> refused = write(rows, exchange.getFromRouteId());
        if (!refused.isEmpty()) {
            List<DeadLetter> all = new ArrayList<>(exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class));
            all.addAll(refused);
            exchange.setProperty(KafkaRecordBatch.DEAD_LETTERS, all);
        }
        return rows.size() - refused.size();
    }

    /** Writes the rows; returns those the database refused for their data. */
    public List<DeadLetter> write(List<ParsedRecord<T>> rows, String route) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            PGConnection pg = stagingOf(c);
            try (PreparedStatement merge = c.prepareStatement(sql.merge())) {
                copy(pg, rows);
                merge.executeUpdate();
                c.commit();
                return List.of();
            } catch (SQLException e) {
                c.rollback();
                if ("42P01".equals(e.getSQLState())) {
                    // the staging table is gone from this connection (DISCARD TEMP, a pooler's reset, a DROP): the
                    // retry of the batch creates it again
                    staged.remove(pg);
                }
                if (!isDataError(e)) {
                    throw e;
                }
                LOG.warn("{}: the database refused a batch of {} ({}); writing it row by row", pipeline, rows.size(),
                        e.getMessage());
                return writeOneByOne(c, pg, rows, route);
            }
        }
    }

    private PGConnection stagingOf(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        if (!staged.contains(pg)) {
            try (Statement st = c.createStatement()) {
                st.execute(sql.createStaging());
            }
            c.commit();
            staged.add(pg);
        }
        return pg;
    }

    private void copy(PGConnection pg, List<ParsedRecord<T>> rows) throws SQLException {
        ByteArrayOutputStream text = new ByteArrayOutputStream(rows.size() * bytesPerRow);
        for (ParsedRecord<T> row : rows) {
            for (int col = 0; col < columns.size(); col++) {
                if (col > 0) {
                    text.write('\t');
                }
                writeCopyText(text, columns.get(col).value().apply(row.value()));
            }
            text.write('\n');
        }
        // the next batch's buffer sized from this one's rows: growing it copies the whole batch
        bytesPerRow = Math.max(64, text.size() / rows.size() + 32);
        CopyIn in = pg.getCopyAPI().copyIn(copy);
        try {
            in.writeToCopy(text.buf(), 0, text.size());
            in.endCopy();
        } catch (SQLException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException cancel) {
                    e.addSuppressed(cancel);
                }
            }
            throw e;
        }
    }

    /**
     * A value in COPY's text format, UTF-8: \N for null, backslash escapes for the characters that delimit. Written as
     * bytes: a StringBuilder of a whole batch turned into UTF-16 at the first non-Latin-1 character, a copy of the
     * whole batch that was a tenth of a consumer thread's time in the profile. An Instant is written as
     * {@code toString()} writes it, by {@link IsoInstants#formatAscii}.
     */
    static void writeCopyText(ByteArrayOutputStream out, Object value) {
        if (value == null) {
            out.write('\\');
            out.write('N');
            return;
        }
        if (value instanceof java.time.Instant instant) {
            byte[] iso = IsoInstants.formatAscii(instant);
            out.write(iso, 0, iso.length);
            return;
        }
        if (value instanceof Long l) {
            out.writeDecimal(l);
            return;
        }
        if (value instanceof Integer i) {
            out.writeDecimal(i);
            return;
        }
        if (value instanceof BigDecimal d) {
            out.writePlain(d);
            return;
        }
        String s = value.toString();
        if (isPlainAscii(s)) {
            out.writeAscii(s);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        // these four are ASCII, so a byte equal to one of them is never part of a multi-byte character
        for (byte b : bytes) {
            switch (b) {
                case '\\' -> { out.write('\\'); out.write('\\'); }
                case '\t' -> { out.write('\\'); out.write('t'); }
                case '\n' -> { out.write('\\'); out.write('n'); }
                case '\r' -> { out.write('\\'); out.write('r'); }
                default -> out.write(b);
            }
        }
    }

    /** ASCII without a character COPY's text format escapes: its chars are its UTF-8 bytes, as they are. */
    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * A byte buffer whose array is handed to COPY as it is, without the copy toByteArray makes. One thread fills it,
     * so its writes take no lock (the JDK's are synchronized: a lock per column of every row), and plain ASCII text
     * goes in without a {@code getBytes} array per value (a tenth of a clickstream consumer thread in the profile).
     */
    static final class ByteArrayOutputStream extends java.io.ByteArrayOutputStream {
        ByteArrayOutputStream(int size) {
            super(size);
        }

        byte[] buf() {
            return buf;
        }

        private void reserve(int n) {
            if (count + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
            }
        }

        @Override
        public void write(int b) {
            reserve(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            reserve(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        /**
         * {@code Long.toString(v)} as ASCII, without the String: a tick's timestamp and trade id, made into text and
         * copied, were 3 % of the ticks' consumer thread.
         */
        void writeDecimal(long v) {
            if (v == Long.MIN_VALUE) {
                writeAscii(Long.toString(v));
                return;
            }
            reserve(20);
            if (v < 0) {
                buf[count++] = '-';
                v = -v;
            }
            int end = count + digitCount(v);
            for (int i = end - 1; i >= count; i--) {
                buf[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            count = end;
        }

        /**
         * {@code d.toPlainString()} as ASCII: written from the unscaled value when it has at most 18 digits (a price,
         * a volume), so without toPlainString's StringBuilder and String, 8 % of the ticks' consumer thread.
         */
        void writePlain(BigDecimal d) {
            int scale = d.scale();
            if (scale < 0 || scale > 18 || d.precision() > 18) {
                writeAscii(d.toPlainString());
                return;
            }
            long u = d.unscaledValue().longValue();
            reserve(40);
            if (u < 0) {
                buf[count++] = '-';
                u = -u;
            }
            int integerDigits = Math.max(digitCount(u) - scale, 1);
            int end = count + integerDigits + (scale > 0 ? 1 + scale : 0);
            int i = end;
            for (int k = 0; k < scale; k++) {
                buf[--i] = (byte) ('0' + u % 10);
                u /= 10;
            }
            if (scale > 0) {
                buf[--i] = '.';
            }
            do {
                buf[--i] = (byte) ('0' + u % 10);
                u /= 10;
            } while (u != 0);
            count = end;
        }

        /** Digits of {@code v >= 0} in base 10; 1 for 0. */
        private static int digitCount(long v) {
            int n = 1;
            for (long p = 10; n < 19 && v >= p; p *= 10) {
                n++;
            }
            return n;
        }

        /** Text whose every char is below 0x80 (the caller checked): each char is its own byte. */
        @SuppressWarnings("deprecation")
        void writeAscii(String s) {
            reserve(s.length());
            s.getBytes(0, s.length(), buf, count);
            count += s.length();
        }
    }

    private List<DeadLetter> writeOneByOne(Connection c, PGConnection pg, List<ParsedRecord<T>> rows, String route)
            throws SQLException {
        List<DeadLetter> refused = new ArrayList<>();
        try (PreparedStatement merge = c.prepareStatement(sql.merge());
             PreparedStatement empty = c.prepareStatement("DELETE FROM " + sql.staging())) {
            for (ParsedRecord<T> row : rows) {
                Savepoint sp = c.setSavepoint();
                try {
                    copy(pg, List.of(row));
                    merge.executeUpdate();
                    empty.executeUpdate();
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

    // 22: data exception (value too long, bad number, NUL byte...), 23: integrity constraint violation
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
