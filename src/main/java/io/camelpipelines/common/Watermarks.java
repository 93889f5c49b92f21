package io.camelpipelines.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The watermark of a scheduled job over a table (the click-window aggregation, the candle job), kept in
 * pipeline_watermarks: a run reads the rows that arrived since the watermark, and only once the run completed does
 * the watermark move to the database time the run started at, so a failed or killed run is simply run again.
 * Times come from the database's clock, the one that stamps the rows, never from this JVM's.
 */
public final class Watermarks {

    private static final String READ = SqlFiles.classpath("sql/common/watermark-read.sql");
    private static final String WRITE = SqlFiles.classpath("sql/common/watermark-write.sql");

    private Watermarks() {
    }

    /** The database's current time: what a run that starts now will set the watermark to once it completed. */
    public static Instant now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** The job's watermark, or null before its first completed run. */
    public static Instant read(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : null;
            }
        }
    }

    public static void write(Connection c, String job, Instant value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(WRITE)) {
            ps.setString(1, job);
            ps.setTimestamp(2, Timestamp.from(value));
            ps.executeUpdate();
        }
    }
}
