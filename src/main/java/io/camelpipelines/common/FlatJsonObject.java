package io.camelpipelines.common;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;

/**
 * A JSON object's top-level fields read with Jackson's streaming parser: what {@code Json.DECIMALS.readTree} and
 * {@link FieldRules#text(com.fasterxml.jackson.databind.JsonNode, String, int)} give, the same values and the same
 * refusals, without building the tree (a fifth of a consumer thread's time in the profile). Text, numbers (whole ones
 * as Integer, Long or BigInteger, the others as BigDecimal, as written) and booleans are kept; an array is kept as a
 * list only when the caller names it, and other nested values are skipped and remembered only by their type. The
 * last of duplicate fields wins, as in the tree.
 */
public final class FlatJsonObject {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper TREE = new ObjectMapper();

    // a field's String, Number, Boolean or kept List, or the JsonNodeType of a skipped value (NULL for null)
    private final Map<String, Object> fields;

    private FlatJsonObject(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** The object in {@code json}; a malformed document, or one that is not an object, is refused. */
    public static FlatJsonObject parse(byte[] json) throws InvalidRecordException {
        return parse(json, Set.of());
    }

    /** As {@link #parse(byte[])}, keeping the arrays of the fields named, read as {@code Json.DECIMALS} reads them. */
    public static FlatJsonObject parse(byte[] json, Set<String> arrays) throws InvalidRecordException {
        Map<String, Object> flat = FlatJsonScanner.fields(json, arrays);
        return flat != null ? new FlatJsonObject(flat) : parseWithJackson(json, arrays);
    }

    /** As {@link #parse(byte[], Set)}, every document through Jackson: the reference the scanner is compared with. */
    static FlatJsonObject parseWithJackson(byte[] json, Set<String> arrays) throws InvalidRecordException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                // rare: read it as the tree reader does, so a malformed document is called malformed the same way
                TREE.readTree(json);
                throw new InvalidRecordException("not a JSON object");
            }
            Map<String, Object> fields = new HashMap<>(32);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                fields.put(name, switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NULL -> JsonNodeType.NULL;
                    case VALUE_NUMBER_INT -> p.getNumberValue();
                    case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case START_OBJECT -> skip(p, JsonNodeType.OBJECT);
                    case START_ARRAY -> arrays.contains(name) ? Json.DECIMALS.readValue(p, List.class)
                            : skip(p, JsonNodeType.ARRAY);
                    default -> throw new InvalidRecordException("malformed JSON: unexpected " + t);
                });
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new InvalidRecordException("malformed JSON: unexpected end-of-input");
            }
            return new FlatJsonObject(fields);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("malformed JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // a decimal BigDecimal cannot hold (1E3456789012): Jackson throws this one unwrapped
            throw new InvalidRecordException("malformed JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidRecordException("unreadable JSON: " + e.getMessage());
        }
    }

    private static JsonNodeType skip(JsonParser p, JsonNodeType type) throws IOException {
        p.skipChildren();
        return type;
    }

    /** The fields as read, for the comparison tests. */
    Map<String, Object> fields() {
        return fields;
    }

    /** A string field: absent or null gives null; another JSON type, too long, or a NUL character is refused. */
    public String text(String field, int maxLength) throws InvalidRecordException {
        Object v = fields.get(field);
        if (v == null || v == JsonNodeType.NULL) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new InvalidRecordException(field + " must be a string, not " + typeName(field));
        }
        return FieldRules.text(field, s, maxLength);
    }

    /** The raw value: a String, Number, Boolean or kept List; null when absent or JSON null, or skipped. */
    public Object value(String field) {
        Object v = fields.get(field);
        return v instanceof JsonNodeType ? null : v;
    }

    /** Whether the field is absent or JSON null. */
    public boolean isMissing(String field) {
        Object v = fields.get(field);
        return v == null || v == JsonNodeType.NULL;
    }

    /** The field's JSON type in lower case, as a refusal names it ("string", "number", "object"...). */
    public String typeName(String field) {
        Object v = fields.get(field);
        JsonNodeType type = v == null ? JsonNodeType.MISSING
                : v instanceof JsonNodeType t ? t
                : v instanceof String ? JsonNodeType.STRING
                : v instanceof Number ? JsonNodeType.NUMBER
                : v instanceof Boolean ? JsonNodeType.BOOLEAN
                : JsonNodeType.ARRAY;
        return type.name().toLowerCase();
    }

    /** The field's value as the tree's {@code asText()} gives it: "" for an object or array, "null" for null. */
    public String asText(String field) {
        Object v = fields.get(field);
        if (v == JsonNodeType.NULL) {
            return "null";
        }
        return v == null || v instanceof JsonNodeType || v instanceof List ? "" : v.toString();
    }
}
