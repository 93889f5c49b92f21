package io.camelpipelines.common;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON body of an HTTP error: {"error": "..."}, with the message escaped properly. */
public final class JsonErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonErrors() {
    }

    public static String of(String message) throws JsonProcessingException {
        return JSON.writeValueAsString(Map.of("error", message == null ? "invalid request" : message));
    }
}
