package io.camelpipelines.flights;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.IsoInstants;
import io.camelpipelines.common.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlightObservationParserTest {

    private final FlightObservationParser parser = new FlightObservationParser();

    @Test
    void aNumberNoDecimalCanHoldIsMalformedJsonNotAnErrorThatFailsTheBatch() {
        // Jackson throws a NumberFormatException of its own for this one, unwrapped
        assertThatThrownBy(() -> parser.parse("{\"price\":1E3456789012}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("malformed JSON: ");
        assertThatThrownBy(() -> parser.parse("{\"price\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("malformed JSON: ");
    }

    /**
     * The parser reads with the streaming scanner; the reference below reads Jackson's tree, as the parser did before.
     * On 30,000 observations, valid and broken in every field, they must give the same observation (the same price
     * scale too) or the same refusal (malformed JSON: the same first words).
     */
    @Test
    void givesWhatJacksonsTreeGivesForValidAndBrokenObservations() throws Exception {
        Random random = new Random(7);
        int valid = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] json = observation(random).getBytes(StandardCharsets.UTF_8);
            Object expected;
            try {
                expected = parser.check(reference(json));
            } catch (InvalidRecordException e) {
                expected = e.getMessage();
            }
            Object actual;
            try {
                actual = parser.parse(json);
            } catch (InvalidRecordException e) {
                actual = e.getMessage();
            }
            String doc = new String(json, StandardCharsets.UTF_8);
            if (expected instanceof String m && m.startsWith("malformed JSON")) {
                assertThat(actual).as(doc).asString().startsWith("malformed JSON");
            } else {
                assertThat(actual).as(doc).isEqualTo(expected);
                valid += expected instanceof FlightObservation ? 1 : 0;
            }
        }
        assertThat(valid).as("valid observations among them").isGreaterThan(5_000);
    }

    @Test
    void flightNumbersAndAirportCodesAreCheckedAsTheirPatternsMatch() {
        Random random = new Random(11);
        String alphabet = "AZ09a5Mx- ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(9);
            for (int k = 0; k < length; k++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            assertThat(FlightObservationParser.isFlightNumber(text)).as(text)
                    .isEqualTo(FlightObservationParser.FLIGHT_NUMBER.matcher(text).matches());
            assertThat(FlightObservationParser.isIataCode(text)).as(text)
                    .isEqualTo(FlightObservationParser.IATA.matcher(text).matches());
        }
        for (String valid : List.of("AI303", "6E2134", "G8123A", "AI1", "UK9999Z")) {
            assertThat(FlightObservationParser.isFlightNumber(valid)).as(valid).isTrue();
        }
        for (String invalid : List.of("AIRX", "66123", "AI12345", "AI", "A", "ai303", "AI303AB")) {
            assertThat(FlightObservationParser.isFlightNumber(invalid)).as(invalid).isFalse();
        }
    }

    private static final String[] TIMES = {"\"2031-05-04T10:15:00Z\"", "\"2031-05-04T10:15:00.120Z\"",
        "\"2031-05-04T15:45:00+05:30\"", "\"2031-05-04 10:15\"", "\"tomorrow\"", "12", "null", "\"\""};

    private static String observation(Random r) {
        List<String> fields = new ArrayList<>();
        field(fields, r, "flight_number", pick(r, "\"AI303\"", "\"6E2134\"", "\"G8123A\"", "\"AIRX\"", "303", "\"\""));
        field(fields, r, "airline", pick(r, "\"Air India\"", "\"IndiGo\"", "\"\\u00c9lan \\\"Air\\\"\"", "true"));
        field(fields, r, "source", pick(r, "\"Delhi\"", "\"Mumbai\"", "\"" + "x".repeat(101) + "\"", "{\"a\":1}"));
        field(fields, r, "destination", pick(r, "\"Mumbai\"", "\"Goa\"", "\"  \"", "[1,2]"));
        field(fields, r, "origin_code", pick(r, "\"DEL\"", "\"BOM\"", "\"del\"", "\"DELH\"", "null"));
        field(fields, r, "destination_code", pick(r, "\"BOM\"", "\"GOI\"", "5"));
        field(fields, r, "price", pick(r, "4500.00", "4500", "4500.5", "\"4500.00\"", "\" 3999 \"", "\"cheap\"", "-1",
                "0.001", "123456789012.50", "4.5E3", "true", "null", "12345678901234567890", "1.0000000000000000001"));
        field(fields, r, "currency", pick(r, "\"INR\"", "\"inr\"", "\"XYZ\"", "\"USD\"", "1"));
        field(fields, r, "departure_time", pick(r, TIMES));
        field(fields, r, "arrival_time", pick(r, "\"2031-05-04T12:40:00Z\"", "\"2031-05-04T12:40:00.5Z\"", TIMES[0],
                TIMES[2], TIMES[4], "null"));
        field(fields, r, "scraped_at", pick(r, "\"2031-05-01T08:00:00Z\"", "\"2031-05-01T08:00:00.25Z\"", "\"2031-05-05T08:00:00Z\"",
                "\"2031-05-01T08:00:00.5+01:00\"", "\"0000-01-01T00:00:00Z\""));
        field(fields, r, "source_site", pick(r, "\"simulator\"", "\"skyfares\"", "\"\"", "null"));
        if (r.nextInt(10) == 0) {
            fields.add("\"extra\": {\"nested\": [1, {\"x\": null}]}");
        }
        if (r.nextInt(20) == 0) {
            fields.add("\"price\": 1999.99");
        }
        java.util.Collections.shuffle(fields, r);
        String json = "{" + String.join(r.nextBoolean() ? "," : ", ", fields) + "}";
        return switch (r.nextInt(40)) {
            case 0 -> json.substring(0, r.nextInt(json.length()));
            case 1 -> "[" + json + "]";
            case 2 -> json + "x";
            default -> json;
        };
    }

    private static void field(List<String> fields, Random r, String name, String value) {
        // most fields valid, some missing
        if (r.nextInt(50) != 0) {
            fields.add("\"" + name + "\":" + value);
        }
    }

    private static String pick(Random r, String... values) {
        // the first two (valid) most of the time
        return r.nextInt(8) != 0 ? values[r.nextInt(2)] : values[r.nextInt(values.length)];
    }

    /** The parser as it read Jackson's tree, before the scanner. */
    private static FlightObservation reference(byte[] value) throws InvalidRecordException {
        JsonNode n;
        try {
            n = Json.DECIMALS.readTree(value);
        } catch (IOException | NumberFormatException e) {
            throw new InvalidRecordException("malformed JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        JsonNode price = n.get("price");
        BigDecimal p;
        if (price == null || price.isNull()) {
            p = null;
        } else if (price.isNumber()) {
            p = price.decimalValue();
        } else if (price.isTextual()) {
            try {
                p = new BigDecimal(price.asText().trim());
            } catch (NumberFormatException e) {
                throw new InvalidRecordException("price '" + price.asText() + "' is not a number");
            }
        } else {
            throw new InvalidRecordException("price must be a number, not " + price.getNodeType().name().toLowerCase());
        }
        return new FlightObservation(
                FieldRules.text(n, "flight_number", 10), FieldRules.text(n, "airline", 100),
                FieldRules.text(n, "source", 100), FieldRules.text(n, "destination", 100),
                FieldRules.text(n, "origin_code", 3), FieldRules.text(n, "destination_code", 3),
                p, FieldRules.text(n, "currency", 3),
                time(n, "departure_time"), time(n, "arrival_time"), time(n, "scraped_at"),
                FieldRules.text(n, "source_site", 50));
    }

    private static Instant time(JsonNode n, String field) throws InvalidRecordException {
        String raw = FieldRules.text(n, field, 40);
        if (raw == null) {
            return null;
        }
        try {
            return FieldRules.inRange(field, raw, IsoInstants.parse(raw));
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field + " '" + raw + "' is not an ISO-8601 time with offset");
        }
    }
}
