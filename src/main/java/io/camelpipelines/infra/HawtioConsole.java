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
                           String username, String password) {

        public static Settings from(java.util.function.BiFunction<String, String, String> property,
                                    Map<String, String> env) {
            String appHost = property.apply("camel.management.host", "127.0.0.1");
            return new Settings(property.apply("hawtio.host", "127.0.0.1"),
                    Integer.parseInt(property.apply("hawtio.port", "8090")),
                    "0.0.0.0".equals(appHost) ? "127.0.0.1" : appHost,
                    Integer.parseInt(property.apply("camel.management.port", "8080")),
                    property.apply("camel.management.jolokia-path", "/observe/jolokia"),
                    env.get("HAWTIO_USERNAME"), env.get("HAWTIO_PASSWORD"));
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

        Handler handlers = new ContextHandlerCollection(hawtio, start);
        if (secured) {
            handlers = basicAuthentication(handlers, s.username(), s.password());
        }
        server.setHandler(handlers);
        server.start();
        LOG.info("Hawtio on http://{}:{}/ connected to http://{}:{}{}{}", s.host(), s.port(), s.jolokiaHost(),
                s.jolokiaPort(), s.jolokiaPath(), secured ? " (basic authentication)" : "");
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
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setAuthenticator(new BasicAuthenticator());
        security.setLoginService(login);
        security.addConstraintMapping(everything);
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
            String connection = "{\"id\":\"" + CONNECTION + "\",\"name\":\"" + CONNECTION + "\",\"scheme\":\"http\",\"host\":\""
                    + s.jolokiaHost() + "\",\"port\":" + s.jolokiaPort() + ",\"path\":\"" + s.jolokiaPath() + "\"}";
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
}
