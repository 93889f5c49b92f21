package io.camelpipelines.flights;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What a fixture the application serves in place of a public site answers, kept free of Camel so the fixture's logic
 * can be driven by any HTTP server (the application's platform-http routes, a test's JDK server).
 */
public record FixtureResponse(int status, String contentType, String body, Map<String, String> headers) {

    public FixtureResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static FixtureResponse of(int status, String contentType, String body) {
        return new FixtureResponse(status, contentType, body, Map.of());
    }

    /**
     * Replaces the request on {@code message} by this answer; the request's headers go first, since platform-http would
     * otherwise send them back as response headers (form fields such as a client secret among them).
     */
    public void writeTo(Message message) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (contentType != null) {
            message.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        headers.forEach(message::setHeader);
        message.setBody(body);
    }
}
