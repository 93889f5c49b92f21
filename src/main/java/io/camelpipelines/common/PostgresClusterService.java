package io.camelpipelines.common;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's cluster service on PostgreSQL's advisory locks: each namespace (a singleton route) is one lock, taken with
 * {@code pg_try_advisory_lock} on this instance's own cluster connection and held as long as that connection lives.
 * The instance that holds it leads; the others try again every {@code pipelines.cluster.poll-interval}. When a
 * leader dies, even by {@code kill -9}, its connection closes and PostgreSQL frees its locks at once, so a survivor
 * takes over within one interval; when a leader loses its connection, it stops leading before it reconnects.
 * <p>
 * The connection is named {@code camel-pipelines/<instance-id>}: {@code pg_stat_activity} is the member list and
 * {@code pg_locks} says who leads what, both read by the database itself rather than kept by us.
 */
public final class PostgresClusterService extends AbstractCamelClusterService<PostgresClusterService.View> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresClusterService.class);
    static final String APPLICATION_PREFIX = "camel-pipelines/";
    /** The first key of every lock of this application; the second is the namespace's hash. */
    static final int LOCK_SPACE = 0x63706c31;

    private final String url;
    private final Properties connectionProperties;
    private final String instanceId;
    private final Duration interval;
    private final Duration takeoverDelay;
    private final String membersSql;
    private final String leadersSql;
    private final String takenSql;
    private final String singletonsSql;
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private ExecutorService events;
    private Connection connection;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Map.of());
    private volatile String lastProblem;

    /** Who is in the cluster and who leads what, as last read from PostgreSQL. */
    public record Snapshot(List<Member> members, Map<String, String> leaders, Map<String, Instant> since) {
    }

    public record Member(String instanceId, Instant since) {
    }

    public PostgresClusterService(String instanceId, String url, String user, String password, Duration interval,
                                  Duration takeoverDelay) {
        super("postgres");
        this.instanceId = instanceId;
        this.url = url;
        this.interval = interval;
        this.takeoverDelay = takeoverDelay;
        this.connectionProperties = new Properties();
        if (user != null) {
            connectionProperties.setProperty("user", user);
        }
        if (password != null) {
            connectionProperties.setProperty("password", password);
        }
        String name = APPLICATION_PREFIX + instanceId;
        connectionProperties.setProperty("ApplicationName", name.length() > 63 ? name.substring(0, 63) : name);
        connectionProperties.setProperty("tcpKeepAlive", "true");
        connectionProperties.setProperty("connectTimeout", "5");
        connectionProperties.setProperty("socketTimeout", "10");
        this.membersSql = SqlFiles.classpath("sql/common/cluster-members.sql");
        this.leadersSql = SqlFiles.classpath("sql/common/cluster-leaders.sql");
        this.takenSql = SqlFiles.classpath("sql/common/singleton-taken.sql");
        this.singletonsSql = SqlFiles.classpath("sql/common/singletons.sql");
    }

    public String instanceId() {
        return instanceId;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Whether this instance holds the namespace's lock now. */
    public boolean leads(String namespace) {
        View v = views.get(namespace);
        return v != null && v.leader;
    }

    public boolean manages(String namespace) {
        return views.containsKey(namespace);
    }

    @Override
    protected View createView(String namespace) {
        View view = new View(namespace);
        views.put(namespace, view);
        return view;
    }

    @Override
    protected void doStart() throws Exception {
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cluster-locks"));
        events = Executors.newSingleThreadExecutor(r -> daemon(r, "cluster-events"));
        super.doStart();
        timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Cluster: instance {} on PostgreSQL advisory locks, checked every {}", instanceId, interval);
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        // closing the connection frees every lock this instance held
        views.values().forEach(v -> v.lose("stopping"));
        closeConnection();
        events.shutdown();
        events.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One round on the timer thread, the only one that touches the connection. */
    private void tick() {
        if (getCamelContext() != null && !getCamelContext().isStarted()) {
            // leadership won while Camel is still starting would reach ClusteredRoutePolicy too early to start its
            // routes; the first round waits for the context
            return;
        }
        try {
            if (connection != null && !connection.isValid((int) Math.max(1, interval.toSeconds()))) {
                loseAll("the cluster connection to PostgreSQL broke");
                closeConnection();
            }
            if (connection == null) {
                connection = DriverManager.getConnection(url, connectionProperties);
                connection.setAutoCommit(true);
            }
            for (View v : views.values()) {
                if (v.acquiredAt == null && v.isRunAllowed()) {
                    tryLock(v);
                } else if (!v.leader && v.acquiredAt != null
                        && Duration.between(v.acquiredAt, Instant.now()).compareTo(takeoverDelay) >= 0) {
                    v.win();
                }
            }
            snapshot = read();
            if (lastProblem != null) {
                LOG.info("Cluster: PostgreSQL reachable again");
                lastProblem = null;
            }
        } catch (SQLException | RuntimeException e) {
            loseAll("the cluster connection to PostgreSQL failed: " + e.getMessage());
            closeConnection();
            String problem = e.getClass().getSimpleName();
            if (!problem.equals(lastProblem)) {
                LOG.warn("Cluster: cannot reach PostgreSQL at {} ({}); {}, retried every {}", url, e.getMessage(),
                        views.isEmpty() ? "no singleton depends on it here" : "the singleton routes run nowhere until it"
                                + " answers", interval);
                lastProblem = problem;
            }
        }
    }

    private void tryLock(View v) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_SPACE);
            ps.setInt(2, v.key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(takenSql)) {
            ps.setString(1, v.getNamespace());
            ps.setString(2, instanceId);
            ps.executeUpdate();
        } catch (SQLException tableNotThereYet) {
            // the schema is created by the pipelines' configuration; the lock is what counts
            LOG.debug("pipeline_singletons not written: {}", tableNotThereYet.getMessage());
        }
        // a lock freed because its holder's connection was cut (not because it died) leaves that holder running until
        // its next check: it has pipelines.cluster.takeover-delay to notice and stop before this one starts
        v.acquiredAt = Instant.now();
        if (takeoverDelay.isZero()) {
            v.win();
        }
    }

    private void unlock(View v) {
        if (timer == null || timer.isShutdown()) {
            return;
        }
        try {
            timer.submit(() -> {
                if (connection != null) {
                    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                        ps.setInt(1, LOCK_SPACE);
                        ps.setInt(2, v.key);
                        ps.executeQuery().close();
                    } catch (SQLException e) {
                        closeConnection();
                    }
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("Cluster: could not give up {} ({}); it is freed when the connection closes", v.getNamespace(),
                    e.toString());
        }
    }

    private Snapshot read() throws SQLException {
        List<Member> members = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(membersSql)) {
            while (rs.next()) {
                members.add(new Member(rs.getString(1), rs.getTimestamp(2).toInstant()));
            }
        }
        Map<Integer, String> byKey = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(leadersSql)) {
            ps.setLong(1, Integer.toUnsignedLong(LOCK_SPACE));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byKey.put((int) rs.getLong(1), rs.getString(2));
                }
            }
        }
        Map<String, String> leaders = new HashMap<>();
        views.keySet().forEach(ns -> {
            String holder = byKey.get(key(ns));
            if (holder != null) {
                leaders.put(ns, holder);
            }
        });
        Map<String, Instant> since = new HashMap<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(singletonsSql)) {
            while (rs.next()) {
                if (rs.getString(2).equals(leaders.get(rs.getString(1)))) {
                    since.put(rs.getString(1), rs.getTimestamp(3).toInstant());
                }
            }
        } catch (SQLException tableNotThereYet) {
            LOG.debug("pipeline_singletons not read: {}", tableNotThereYet.getMessage());
        }
        return new Snapshot(Collections.unmodifiableList(members), Map.copyOf(leaders), Map.copyOf(since));
    }

    private void loseAll(String why) {
        views.values().forEach(v -> v.lose(why));
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone: its locks with it
            }
            connection = null;
        }
    }

    static int key(String namespace) {
        // String.hashCode is specified by the language: every instance computes the same key
        return namespace.hashCode();
    }

    /** One namespace: one lock, led by whoever holds it. */
    public final class View extends AbstractCamelClusterView {

        private final int key;
        private final CamelClusterMember local;
        private volatile boolean leader;
        /** When this instance took the lock; it leads once the takeover delay has passed. */
        private volatile Instant acquiredAt;

        View(String namespace) {
            super(PostgresClusterService.this, namespace);
            this.key = key(namespace);
            this.local = new CamelClusterMember() {
                @Override
                public boolean isLeader() {
                    return leader;
                }

                @Override
                public boolean isLocal() {
                    return true;
                }

                @Override
                public String getId() {
                    return instanceId;
                }
            };
        }

        void win() {
            leader = true;
            LOG.info("Cluster: {} runs here now (instance {})", getNamespace(), instanceId);
            events.execute(() -> fireLeadershipChangedEvent(local));
        }

        void lose(String why) {
            acquiredAt = null;
            if (leader) {
                leader = false;
                LOG.warn("Cluster: {} stops here: {}", getNamespace(), why);
                events.execute(() -> fireLeadershipChangedEvent(Optional.empty()));
            }
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            if (leader) {
                return Optional.of(local);
            }
            return Optional.ofNullable(snapshot.leaders().get(getNamespace())).map(id -> remote(id, true));
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            List<CamelClusterMember> out = new ArrayList<>();
            for (Member m : snapshot.members()) {
                out.add(m.instanceId().equals(instanceId) ? local
                        : remote(m.instanceId(), m.instanceId().equals(snapshot.leaders().get(getNamespace()))));
            }
            return out;
        }

        @Override
        protected void doStart() {
            // the timer's next round tries the lock
        }

        @Override
        protected void doStop() {
            if (acquiredAt != null) {
                lose("its routes are gone");
                unlock(this);
            }
        }
    }

    private static CamelClusterMember remote(String id, boolean leads) {
        return new CamelClusterMember() {
            @Override
            public boolean isLeader() {
                return leads;
            }

            @Override
            public boolean isLocal() {
                return false;
            }

            @Override
            public String getId() {
                return id;
            }
        };
    }
}
