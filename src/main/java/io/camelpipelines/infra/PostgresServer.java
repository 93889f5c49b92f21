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
    private final boolean passwordsRequired;
    private int port;
    private EmbeddedPostgres postgres;

    /**
     * @param binariesDir where the PostgreSQL binaries are unpacked: the application's own directory, never the
     *                    shared temp directory, where an earlier unpacking would hide a broken one on a new machine
     */
    public PostgresServer(String host, int port, Path dataDir, Path binariesDir, String database, String user,
                          String password) {
        this(host, port, dataDir, binariesDir, database, user, password, false);
    }

    /** @param passwordsRequired every TCP login but the embedding JVM's own superuser one checks its password (SCRAM) */
    public PostgresServer(String host, int port, Path dataDir, Path binariesDir, String database, String user,
                          String password, boolean passwordsRequired) {
        this.passwordsRequired = passwordsRequired;
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
        // a restart keeps the port it had, so the pool reconnects to the same address
        port = Ports.claim(host, port != 0 ? port : requestedPort, "postgres.embedded.port");
        Files.createDirectories(dataDir.getParent());
        Files.createDirectories(binariesDir);
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                // after a crash PostgreSQL replays its WAL before it accepts connections: give it the time that takes
                .setPGStartupWait(Duration.ofMinutes(10))
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
        if (passwordsRequired) {
            requirePasswords();
        }
    }

    private void requirePasswords() throws Exception {
        Files.writeString(dataDir.resolve("pg_hba.conf"), """
                # written by camel-pipelines (pipelines.embedded.security): the application's role logs in with its
                # password (SCRAM); only the embedding JVM's superuser connection, from this host, is trusted
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all postgres ::1/128 trust
                host all all 0.0.0.0/0 scram-sha-256
                host all all ::/0 scram-sha-256
                """);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /**
     * A PostgreSQL still running on this data directory was left by a run that was killed (its JVM had no chance to
     * stop it): stop it, so this start does not fail on its port or its lock. A fast shutdown (SIGINT) ends the
     * sessions clients still hold (an outside writer of the capture's source table, say), where the smart one
     * (SIGTERM) would wait for them for ever; if that is not enough, an immediate one (SIGQUIT), then SIGKILL of the
     * server and every backend it left, so no survivor keeps the old shared memory.
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
        if (orphan.isEmpty()) {
            // a stale postmaster.pid: PostgreSQL itself checks and replaces it
            return;
        }
        var log = LoggerFactory.getLogger(PostgresServer.class);
        ProcessHandle server = orphan.get();
        java.util.List<ProcessHandle> backends = server.descendants().toList();
        log.warn("Stopping PostgreSQL (pid {}, {} backends) left running on {} by a previous run: fast shutdown",
                pid, backends.size(), dataDir);
        signal(pid, "INT");
        if (!exited(server, Duration.ofSeconds(30))) {
            log.warn("PostgreSQL (pid {}) did not stop within 30 s of a fast shutdown: immediate shutdown", pid);
            signal(pid, "QUIT");
            if (!exited(server, Duration.ofSeconds(10))) {
                server.destroyForcibly();
                exited(server, Duration.ofSeconds(10));
            }
        }
        for (ProcessHandle backend : backends) {
            if (backend.isAlive()) {
                log.warn("Killing PostgreSQL backend {} that outlived its server", backend.pid());
                backend.destroyForcibly();
                exited(backend, Duration.ofSeconds(10));
            }
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static boolean exited(ProcessHandle p, Duration within) {
        try {
            p.onExit().get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception timeout) {
            return !p.isAlive();
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
            // the password of this start (a secured run makes one up each time)
            try (Statement s = c.createStatement()) {
                s.execute("SET password_encryption = 'scram-sha-256'");
                s.execute("ALTER ROLE " + quoteIdent(user) + " PASSWORD " + quoteLiteral(password));
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
        return "embedded PostgreSQL 15, fsync on, " + (passwordsRequired ? "SCRAM passwords, " : "") + "data in " + dataDir;
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
