package io.camelpipelines.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 from the embedded binaries, durable: the binaries' launcher turns fsync and
 * synchronous_commit off unless told, and data written here must survive a crash.
 */
public class PostgresServer implements EmbeddedService {

    private final String host;
    private final int requestedPort;
    private final Path dataDir;
    private final Path binariesDir;
    private final String database;
    private final String user;
    private final String password;
    private int port;
    private EmbeddedPostgres postgres;

    /**
     * @param binariesDir where the PostgreSQL binaries are unpacked: the application's own directory, never the
     *                    shared temp directory, where an earlier unpacking would hide a broken one on a new machine
     */
    public PostgresServer(String host, int port, Path dataDir, Path binariesDir, String database, String user,
                          String password) {
        this.host = host;
        this.requestedPort = port;
        this.dataDir = dataDir;
        this.binariesDir = binariesDir;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void start() throws Exception {
        stopOrphan();
        port = Ports.claim(host, requestedPort, "postgres.embedded.port");
        Files.createDirectories(dataDir.getParent());
        Files.createDirectories(binariesDir);
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", host)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                // change data capture reads the log through a logical replication slot (pgoutput)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .start();
        createUserAndDatabase();
    }

    /**
     * A PostgreSQL still running on this data directory was left by a run that was killed (its JVM had
     * no chance to stop it): stop it, so this start does not fail on its port or its lock.
     */
    private void stopOrphan() throws Exception {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException unreadable) {
            return;
        }
        var orphan = ProcessHandle.of(pid).filter(p -> p.info().commandLine().map(c -> c.contains(dataDir.toString()))
                .orElse(false));
        if (orphan.isPresent()) {
            LoggerFactory.getLogger(PostgresServer.class).warn(
                    "Stopping PostgreSQL (pid {}) left running on {} by a previous run", pid, dataDir);
            orphan.get().destroy();
            orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    // Idempotent: a restart on an existing data directory finds both already there.
    private void createUserAndDatabase() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE " + quoteIdent(user) + " LOGIN PASSWORD " + quoteLiteral(password));
                }
            }
            // the application's role reads the log (REPLICATION) and sees every session's open transaction
            // (pg_read_all_stats: the polling capture's bound); also on data directories made before this
            try (Statement s = c.createStatement()) {
                s.execute("ALTER ROLE " + quoteIdent(user) + " REPLICATION");
                s.execute("GRANT pg_read_all_stats TO " + quoteIdent(user));
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + quoteIdent(database) + " OWNER " + quoteIdent(user));
                }
            }
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    // DDL takes no bind parameters: names and the password are quoted instead.
    private static String quoteIdent(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String quoteLiteral(String s) {
        return '\'' + s.replace("'", "''") + '\'';
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String address() {
        return jdbcUrl() + " (user " + user + ")";
    }

    @Override
    public String description() {
        return "embedded PostgreSQL 15, fsync on, data in " + dataDir;
    }

    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("postgres.url", jdbcUrl(), "postgres.user", user, "postgres.password", password);
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL did not stop cleanly: " + e.getMessage(), e);
            } finally {
                postgres = null;
            }
        }
    }
}
