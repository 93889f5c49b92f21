package io.camelpipelines.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.security.ConstraintMapping;
import org.eclipse.jetty.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.security.Constraint;
import org.eclipse.jetty.util.security.Credential;
import org.eclipse.jetty.webapp.WebAppContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar camel-pipelines.jar hawtio}: Hawtio 4 (the WAR inside the jar) on an embedded Jetty, already
 * connected to the running application's Jolokia, so its Camel tab shows the context, every route with its counters,
 * and the pipelines' own MBeans. Its first page stores the connection in the browser and opens Hawtio on it.
 * <p>
 * It listens on 127.0.0.1 unless {@code hawtio.host} says otherwise; beyond the local machine it asks for a user and
 * password (HTTP basic, from {@code HAWTIO_USERNAME} / {@code HAWTIO_PASSWORD}) and will not start without them.
 */
public final class HawtioConsole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsole.class);
    static final String CONNECTION = "camel-pipelines";

    private final Server server;
    private final Path workDir;

    /** Where Hawtio listens and what it connects to: the application's Jolokia. */
    public record Settings(String host, int port, String jolokiaHost, int jolokiaPort, String jolokiaPath,
                           String username, String password, String appUsername, String appPassword) {

        public Settings(String host, int port, String jolokiaHost, int jolokiaPort, String jolokiaPath,
                        String username, String password) {
            this(host, port, jolokiaHost, jolokiaPort, jolokiaPath, username, password, null, null);
        }

        public static Settings from(java.util.function.BiFunction<String, String, String> property,
                                    Map<String, String> env) {
            String appHost = property.apply("camel.management.host", "127.0.0.1");
            return new Settings(property.apply("hawtio.host", "127.0.0.1"),
                    Integer.parseInt(property.apply("hawtio.port", "8090")),
                    "0.0.0.0".equals(appHost) ? "127.0.0.1" : appHost,
                    Integer.parseInt(property.apply("camel.management.port", "8080")),
                    property.apply("camel.management.jolokia-path", "/observe/jolokia"),
                    env.get("HAWTIO_USERNAME"), env.get("HAWTIO_PASSWORD"),
                    env.get("PIPELINES_HTTP_USERNAME"), env.get("PIPELINES_HTTP_PASSWORD"));
        }

        /** The application asks for a user on its HTTP port (it listens beyond localhost): Hawtio goes through the relay. */
        boolean relayed() {
            return appUsername != null && !appUsername.isBlank() && appPassword != null && !appPassword.isBlank();
        }

        boolean local() {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }
    }

    private HawtioConsole(Server server, Path workDir) {
        this.server = server;
        this.workDir = workDir;
    }

    public static HawtioConsole start(Settings s) throws Exception {
        boolean secured = s.username() != null && !s.username().isBlank() && s.password() != null
                && !s.password().isBlank();
        if (!s.local() && !secured) {
            throw new StartupFailure("Hawtio would listen on " + s.host() + " (hawtio.host), beyond this machine:"
                    + " set HAWTIO_USERNAME and HAWTIO_PASSWORD, or leave hawtio.host at 127.0.0.1");
        }
        Path workDir = Files.createTempDirectory("hawtio");
        Path war = workDir.resolve("hawtio.war");
        try (InputStream in = HawtioConsole.class.getResourceAsStream("/hawtio/hawtio.war")) {
            if (in == null) {
                throw new StartupFailure("hawtio/hawtio.war is not in this build (mvn package copies it)");
            }
            Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
        }
        // Hawtio's own login needs a JAAS realm; the container's basic authentication guards it instead when secured
        System.setProperty("hawtio.authenticationEnabled", "false");
        System.setProperty("hawtio.proxyAllowlist", "localhost,127.0.0.1," + s.jolokiaHost());

        Server server = new Server(new InetSocketAddress(s.host(), s.port()));
        WebAppContext hawtio = new WebAppContext();
        hawtio.setContextPath("/hawtio");
        hawtio.setWar(war.toString());
        hawtio.setTempDirectory(Files.createDirectories(workDir.resolve("webapp")).toFile());
        hawtio.setThrowUnavailableOnStartupException(true);

        ServletContextHandler start = new ServletContextHandler();
        start.setContextPath("/");
        start.addServlet(new ServletHolder(new ConnectPage(s)), "/");
        if (s.relayed()) {
            start.addServlet(new ServletHolder(new JolokiaRelay(s)), JolokiaRelay.PATH + "/*");
        }

        Handler handlers = new ContextHandlerCollection(hawtio, start);
        if (secured) {
            handlers = basicAuthentication(handlers, s.username(), s.password());
        }
        server.setHandler(handlers);
        server.start();
        LOG.info("Hawtio on http://{}:{}/ connected to http://{}:{}{}{}{}", s.host(), s.port(), s.jolokiaHost(),
                s.jolokiaPort(), s.jolokiaPath(), s.relayed() ? " as user " + s.appUsername() + " through "
                        + JolokiaRelay.PATH : "", secured ? " (basic authentication)" : "");
        return new HawtioConsole(server, workDir);
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        Directories.delete(workDir);
    }

    private static Handler basicAuthentication(Handler inner, String user, String password) {
        UserStore users = new UserStore();
        users.addUser(user, Credential.getCredential(password), new String[] {"operator"});
        HashLoginService login = new HashLoginService("camel-pipelines");
        login.setUserStore(users);
        Constraint constraint = new Constraint(Constraint.__BASIC_AUTH, "operator");
        constraint.setAuthenticate(true);
        ConstraintMapping everything = new ConstraintMapping();
        everything.setPathSpec("/*");
        everything.setConstraint(constraint);
        // Hawtio's proxy calls the relay from inside this process, without the browser's credentials; the relay
        // itself answers loopback callers only
        Constraint none = new Constraint();
        none.setAuthenticate(false);
        ConstraintMapping relay = new ConstraintMapping();
        relay.setPathSpec(JolokiaRelay.PATH + "/*");
        relay.setConstraint(none);
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setAuthenticator(new BasicAuthenticator());
        security.setLoginService(login);
        security.addConstraintMapping(everything);
        security.addConstraintMapping(relay);
        security.setHandler(inner);
        return security;
    }

    /**
     * Hawtio 4.2 keeps its connections in the browser's local storage and opens one named by {@code ?con=}: this page
     * stores the application's Jolokia as a connection and opens Hawtio on it.
     */
    private static final class ConnectPage extends HttpServlet {

        private final String html;

        ConnectPage(Settings s) {
            String host = s.relayed() ? "127.0.0.1" : s.jolokiaHost();
            int port = s.relayed() ? s.port() : s.jolokiaPort();
            String path = s.relayed() ? JolokiaRelay.PATH : s.jolokiaPath();
            String connection = "{\"id\":\"" + CONNECTION + "\",\"name\":\"" + CONNECTION + "\",\"scheme\":\"http\",\"host\":\""
                    + host + "\",\"port\":" + port + ",\"path\":\"" + path + "\"}";
            html = "<!doctype html><meta charset=utf-8><title>camel-pipelines: Hawtio</title><script>"
                    + "const all = JSON.parse(localStorage.getItem('connect.connections') || '{}');"
                    + "all['" + CONNECTION + "'] = " + connection + ";"
                    + "localStorage.setItem('connect.connections', JSON.stringify(all));"
                    + "location.replace('/hawtio/camel/routes?con=" + CONNECTION + "');"
                    + "</script><p>Opening <a href='/hawtio/?con=" + CONNECTION + "'>Hawtio</a>…</p>";
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (!"/".equals(req.getPathInfo()) && req.getPathInfo() != null) {
                resp.sendError(404);
                return;
            }
            resp.setContentType("text/html; charset=utf-8");
            resp.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The application's Jolokia as Hawtio's proxy reaches it when the application asks for a user: each request
     * forwarded with the application's credentials (PIPELINES_HTTP_USERNAME / PASSWORD of this command's environment),
     * so they stay on the server and never reach a browser. Only callers on this machine (Hawtio's proxy) are served.
     */
    static final class JolokiaRelay extends HttpServlet {

        static final String PATH = "/jolokia-relay";
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(5)).build();
        private final String target;
        private final String authorization;

        JolokiaRelay(Settings s) {
            this.target = "http://" + s.jolokiaHost() + ":" + s.jolokiaPort() + s.jolokiaPath();
            this.authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (s.appUsername() + ":" + s.appPassword()).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (!InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress()) {
                resp.sendError(403);
                return;
            }
            if (!"GET".equals(req.getMethod()) && !"POST".equals(req.getMethod())) {
                resp.sendError(405);
                return;
            }
            String uri = target + (req.getPathInfo() == null ? "" : req.getPathInfo())
                    + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
            java.net.http.HttpRequest.Builder forward = java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri))
                    .timeout(java.time.Duration.ofSeconds(30)).header("Authorization", authorization);
            if ("POST".equals(req.getMethod())) {
                forward.header("Content-Type", req.getContentType() == null ? "application/json" : req.getContentType())
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(req.getInputStream().readAllBytes()));
            }
            try {
                java.net.http.HttpResponse<byte[]> answer = http.send(forward.build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                resp.setStatus(answer.statusCode());
                answer.headers().firstValue("Content-Type").ifPresent(resp::setContentType);
                resp.getOutputStream().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                resp.sendError(503);
            } catch (IOException unreachable) {
                resp.sendError(502, "the application's Jolokia at " + target + " does not answer");
            }
        }
    }
}
