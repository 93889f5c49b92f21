package io.camelpipelines.flights;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.regex.Pattern;

import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.FlatJsonObject;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.RecordParser;

/**
 * The rules every flight observation meets, applied by the sources before publishing and by the consumer to what it
 * reads from flight-data: an IATA-style flight number (carrier code + 1 to 4 digits), a positive price that fits
 * NUMERIC(12,2), an ISO 4217 currency, a departure after the moment it was observed, cities named.
 */
public class FlightObservationParser implements RecordParser<FlightObservation> {

    /** Two-character carrier designator (letters or a digit and a letter: AI, 6E, G8), 1-4 digits, optional suffix. */
    static final Pattern FLIGHT_NUMBER = Pattern.compile("(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?");
    static final Pattern IATA = Pattern.compile("[A-Z]{3}");

    @Override
    public FlightObservation parse(byte[] value) throws InvalidRecordException {
        // the streaming scanner, Jackson for any other shape: the same values and refusals as Jackson's tree
        FlatJsonObject n = FlatJsonObject.parse(value);
        // the price first: a record with several faults is refused for the same one as before
        BigDecimal price = price(n);
        return check(new FlightObservation(
                n.text("flight_number", 10), n.text("airline", 100),
                n.text("source", 100), n.text("destination", 100),
                n.text("origin_code", 3), n.text("destination_code", 3),
                price, n.text("currency", 3),
                time(n, "departure_time"), time(n, "arrival_time"), time(n, "scraped_at"),
                n.text("source_site", 50)));
    }

    private static BigDecimal price(FlatJsonObject n) throws InvalidRecordException {
        Object price = n.value("price");
        if (n.isMissing("price")) {
            return null;
        }
        if (price instanceof BigDecimal d) {
            return d;
        }
        if (price instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (price instanceof Integer || price instanceof Long) {
            return BigDecimal.valueOf(((Number) price).longValue());
        }
        if (price instanceof String text) {
            try {
                return new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRecordException("price '" + text + "' is not a number");
            }
        }
        throw new InvalidRecordException("price must be a number, not " + n.typeName("price"));
    }

    /** The observation if it meets every rule; otherwise the first rule it breaks, naming the field. */
    public FlightObservation check(FlightObservation o) throws InvalidRecordException {
        require("flight_number", o.flightNumber());
        if (!isFlightNumber(o.flightNumber())) {
            throw new InvalidRecordException("flight_number '" + o.flightNumber() + "' is not a carrier code and 1-4 digits");
        }
        require("source", o.source());
        require("destination", o.destination());
        require("source_site", o.sourceSite());
        codeOrNull("origin_code", o.originCode());
        codeOrNull("destination_code", o.destinationCode());
        if (o.price() == null) {
            throw new InvalidRecordException("missing price");
        }
        if (o.price().signum() <= 0) {
            throw new InvalidRecordException("price " + o.price().toPlainString() + " is not positive");
        }
        FieldRules.numeric("price", o.price(), 12, 2);
        require("currency", o.currency());
        try {
            if (!o.currency().equals(o.currency().toUpperCase()) || Currency.getInstance(o.currency()) == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("currency '" + o.currency() + "' is not an ISO 4217 code");
        }
        if (o.scrapedAt() == null) {
            throw new InvalidRecordException("missing scraped_at");
        }
        if (o.departureTime() == null) {
            throw new InvalidRecordException("missing departure_time");
        }
        if (!o.departureTime().isAfter(o.scrapedAt())) {
            throw new InvalidRecordException("departure_time " + o.departureTime() + " is not after scraped_at "
                    + o.scrapedAt() + ": the flight had left when its price was seen");
        }
        if (o.arrivalTime() != null && !o.arrivalTime().isAfter(o.departureTime())) {
            throw new InvalidRecordException("arrival_time " + o.arrivalTime() + " is not after departure_time");
        }
        return o;
    }

    /** What {@link #FLIGHT_NUMBER} matches, checked char by char: a regex match was 5 % of the sink's thread. */
    static boolean isFlightNumber(String s) {
        int n = s.length();
        if (n < 3 || n > 7) {
            return false;
        }
        char a = s.charAt(0);
        char b = s.charAt(1);
        if (!(upper(a) && (upper(b) || digit(b)) || digit(a) && upper(b))) {
            return false;
        }
        int end = upper(s.charAt(n - 1)) ? n - 1 : n;
        if (end - 2 < 1 || end - 2 > 4) {
            return false;
        }
        for (int i = 2; i < end; i++) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** What {@code [A-Z]{3}} matches. */
    static boolean isIataCode(String s) {
        return s.length() == 3 && upper(s.charAt(0)) && upper(s.charAt(1)) && upper(s.charAt(2));
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void require(String field, String v) throws InvalidRecordException {
        if (v == null || v.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
    }

    private static void codeOrNull(String field, String v) throws InvalidRecordException {
        if (v != null && !isIataCode(v)) {
            throw new InvalidRecordException(field + " '" + v + "' is not a three-letter IATA code");
        }
    }

    private static Instant time(FlatJsonObject n, String field) throws InvalidRecordException {
        String raw = n.text(field, 40);
        if (raw == null) {
            return null;
        }
        try {
            return FieldRules.inRange(field, raw, io.camelpipelines.common.IsoInstants.parse(raw));
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field + " '" + raw + "' is not an ISO-8601 time with offset");
        }
    }
}
