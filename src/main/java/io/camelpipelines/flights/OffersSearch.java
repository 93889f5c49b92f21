package io.camelpipelines.flights;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One flight-offers search the API source repeats: a route, a departure date and the number of adult travellers. */
public record OffersSearch(String origin, String destination, LocalDate date, int adults) {

    private static final Pattern IATA = Pattern.compile("[A-Z]{3}");
    private static final Pattern ENTRY = Pattern.compile(
            "([A-Za-z]{3})-([A-Za-z]{3})@(?:\\+(\\d{1,3})|(\\d{4}-\\d{2}-\\d{2}))(?:[xX](\\d))?");
    private static final String FORMAT = "ORIGIN-DESTINATION@+DAYS or ORIGIN-DESTINATION@YYYY-MM-DD, optionally followed "
            + "by xADULTS (1-9), e.g. DEL-BOM@+3, BLR-DEL@+7x2, BOM-GOI@2026-12-20";

    public OffersSearch {
        origin = code("origin", origin);
        destination = code("destination", destination);
        Objects.requireNonNull(date, "date");
        if (origin.equals(destination)) {
            throw new IllegalArgumentException("origin and destination are both " + origin);
        }
        if (adults < 1 || adults > 9) {
            throw new IllegalArgumentException("adults " + adults + " is not between 1 and 9");
        }
    }

    /**
     * Searches from a comma-separated list such as {@code DEL-BOM@+3, BLR-DEL@+7x2, BOM-GOI@2026-12-20}: {@code +N} is N
     * days after {@code today}, so a long-running application keeps searching the same distance ahead.
     */
    public static List<OffersSearch> parse(String spec, LocalDate today) {
        List<OffersSearch> searches = new ArrayList<>();
        if (spec == null) {
            return searches;
        }
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("flight-offers search '" + entry + "' must look like " + FORMAT);
            }
            try {
                LocalDate date = m.group(3) != null ? today.plusDays(Integer.parseInt(m.group(3))) : LocalDate.parse(m.group(4));
                searches.add(new OffersSearch(m.group(1), m.group(2), date, m.group(5) == null ? 1 : Integer.parseInt(m.group(5))));
            } catch (DateTimeException | IllegalArgumentException e) {
                throw new IllegalArgumentException("flight-offers search '" + entry + "' is invalid (" + e.getMessage()
                        + "); it must look like " + FORMAT, e);
            }
        }
        return searches;
    }

    private static String code(String field, String value) {
        String c = Objects.requireNonNull(value, field).trim().toUpperCase(Locale.ROOT);
        if (!IATA.matcher(c).matches()) {
            throw new IllegalArgumentException(field + " '" + value + "' is not a three-letter IATA code");
        }
        return c;
    }
}
