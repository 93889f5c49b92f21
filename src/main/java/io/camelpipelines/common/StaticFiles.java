package io.camelpipelines.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * Serves the dashboard's files from the classpath: the page from {@code dashboard/}, the chart library
 * from its WebJar. Only those two roots, only plain file names: nothing else on the classpath is reachable.
 */
public class StaticFiles {

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "application/javascript", "css", "text/css", "png", "image/png", "svg", "image/svg+xml");
    private static final String[] ROOTS = {"dashboard/", "META-INF/resources/webjars/echarts/5.1.2/"};

    public void serve(Exchange exchange) throws IOException {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
        // platform-http gives the whole request path: /dashboard/…
        String name = path.replaceFirst("^/*(dashboard)?/*", "");
        if (name.isEmpty()) {
            String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, "", String.class);
            if (!uri.endsWith("/")) {
                // the page's relative links need the trailing slash
                exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 301);
                exchange.getMessage().setHeader("Location", uri + "/");
                exchange.getMessage().setBody("");
                return;
            }
            name = "index.html";
        }
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            notFound(exchange);
            return;
        }
        for (String root : ROOTS) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(root + name)) {
                if (in != null) {
                    exchange.getMessage().setBody(in.readAllBytes());
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE,
                            TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream"));
                    exchange.getMessage().setHeader("Cache-Control", "max-age=300");
                    return;
                }
            }
        }
        notFound(exchange);
    }

    private static void notFound(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        exchange.getMessage().setBody("not found");
    }
}
