package io.camelpipelines.infra;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP basic authentication for everything on the application's port (APIs, dashboard, Jolokia, metrics) whenever
 * that port is reachable from other machines: {@code pipelines.http.authentication=auto} turns it on when
 * {@code camel.server.host} is not a loopback address, and the application will not start without
 * {@code PIPELINES_HTTP_USERNAME} / {@code PIPELINES_HTTP_PASSWORD}. The paths of {@code pipelines.http.open-paths}
 * (health probes, the simulators the application's own clients read) stay open.
 * <p>
 * It is one handler in front of every route of Camel's HTTP server, through the server's own authentication
 * configuration: that is set before the server starts, so no request is ever served unguarded.
 */
public final class HttpAuthentication implements AuthenticationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAuthentication.class);
    static final String REALM = "camel-pipelines";

    private final byte[] expected;
    private final List<String> openPaths;

    HttpAuthentication(String username, String password, List<String> openPaths) {
        this.expected = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        this.openPaths = List.copyOf(openPaths);
    }

    /**
     * The handler the settings ask for, or null when the port stays local (or authentication is off); refuses to go
     * on without a user and password when one is needed, before any service is started.
     */
    public static HttpAuthentication fromSettings(Settings settings) {
        String host = settings.get("camel.server.host", "127.0.0.1");
        if (loopback(host)) {
            host = settings.get("camel.management.host", host);
        }
        String mode = settings.get("pipelines.http.authentication", "auto").trim().toLowerCase();
        boolean on = switch (mode) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            case "auto" -> !loopback(host);
            default -> throw new StartupFailure("pipelines.http.authentication=" + mode + ": use auto, on or off");
        };
        if (!on || !settings.getBoolean("camel.server.enabled", false)) {
            if (!loopback(host)) {
                LOG.warn("HTTP port on {} without authentication (pipelines.http.authentication=off): anyone who"
                        + " reaches it can read and operate the pipelines", host);
            }
            return null;
        }
        String username = settings.get("pipelines.http.username", "");
        String password = settings.get("pipelines.http.password", "");
        if (username.isBlank() || password.isBlank()) {
            throw new StartupFailure("The HTTP port listens on " + host + " (camel.server.host), beyond this machine:"
                    + " set PIPELINES_HTTP_USERNAME and PIPELINES_HTTP_PASSWORD, or keep camel.server.host at"
                    + " 127.0.0.1 (pipelines.http.authentication=off only behind a proxy that authenticates)");
        }
        List<String> open = Arrays.stream(settings.get("pipelines.http.open-paths", "").split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        LOG.info("HTTP port on {}: basic authentication (user {}), open without it: {}", host, username,
                open.isEmpty() ? "nothing" : String.join(", ", open));
        return new HttpAuthentication(username, password, open);
    }

    /** Puts this handler in front of every route of Camel's HTTP servers; call before they start. */
    public void install(CamelContext context) {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            throw new StartupFailure("HTTP authentication is required but Camel's HTTP server is not configured yet");
        }
        HttpAuthentication handler = this;
        AuthenticationConfig.AuthenticationConfigEntry everything = new AuthenticationConfig.AuthenticationConfigEntry();
        everything.setPath("/*");
        everything.setAuthenticationProviderFactory(vertx -> null);
        everything.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends io.vertx.ext.auth.authentication.AuthenticationProvider> AuthenticationHandler
                    createAuthenticationHandler(T provider) {
                return handler;
            }
        });
        guard(server.getConfiguration(), everything);
        // Jolokia, health and metrics: on the same server when camel.management.port is the same, else on their own
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management != null) {
            guard(management.getConfiguration(), everything);
        }
    }

    private static void guard(VertxPlatformHttpServerConfiguration server,
                              AuthenticationConfig.AuthenticationConfigEntry entry) {
        AuthenticationConfig config = server.getAuthenticationConfig();
        config.getEntries().add(entry);
        config.setEnabled(true);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (open(ctx.normalizedPath()) || authorized(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"error\":\"authentication required (HTTP basic)\"}");
    }

    boolean open(String path) {
        for (String open : openPaths) {
            if (open.endsWith("*") ? path.startsWith(open.substring(0, open.length() - 1)) : path.equals(open)) {
                return true;
            }
        }
        return false;
    }

    boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        // constant time: how much of a guess was right must not show in how long the answer takes
        return MessageDigest.isEqual(given, expected);
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
