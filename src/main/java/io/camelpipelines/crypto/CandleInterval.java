package io.camelpipelines.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One configured candle interval ("1m", "5m", "15m", "1h", "1d") and the table that holds its candles. */
public record CandleInterval(String label, long millis, String table) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)([mhd])");

    public static CandleInterval parse(String label) {
        Matcher m = FORMAT.matcher(label.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("Candle interval '" + label + "' must look like 1m, 5m, 15m, 1h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> new CandleInterval(label.trim(), n * 60_000, "aggregated_prices_" + n + "min");
            case "h" -> new CandleInterval(label.trim(), n * 3_600_000, "aggregated_prices_" + n + "h");
            default -> new CandleInterval(label.trim(), n * 86_400_000, "aggregated_prices_" + n + "d");
        };
    }

    public static List<CandleInterval> parseAll(String labels) {
        List<CandleInterval> all = new ArrayList<>();
        for (String l : labels.split(",")) {
            if (!l.isBlank()) {
                all.add(parse(l));
            }
        }
        return all;
    }
}
