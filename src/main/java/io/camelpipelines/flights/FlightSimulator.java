package io.camelpipelines.flights;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import io.camelpipelines.common.RatePacer;

/**
 * Indian domestic flights for offline runs, the seed's simple_flight spider grown up: a fixed timetable of real
 * carriers on real city pairs (each flight number departs at the same local time every day), and fares that
 * depend on distance and days to departure and drift a little with every observation, so prices visibly move and
 * the same flight is seen again and again, as a scraper polling fares sees it.
 */
public class FlightSimulator {

    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");
    private static final String[][] CARRIERS = {{"AI", "Air India"}, {"6E", "IndiGo"}, {"UK", "Vistara"},
            {"SG", "SpiceJet"}, {"QP", "Akasa Air"}, {"IX", "Air India Express"}};
    /** City pairs and their great-circle distance in km, which sets the base fare. */
    private static final Object[][] ROUTES = {{"DEL", "BOM", 1148}, {"BOM", "DEL", 1148}, {"DEL", "BLR", 1740},
            {"BLR", "DEL", 1740}, {"BOM", "BLR", 842}, {"BLR", "BOM", 842}, {"DEL", "CCU", 1305}, {"CCU", "DEL", 1305},
            {"MAA", "DEL", 1760}, {"HYD", "BOM", 621}, {"BOM", "GOI", 421}, {"DEL", "GOI", 1512}, {"BLR", "MAA", 290},
            {"PNQ", "DEL", 1175}, {"COK", "BOM", 1065}, {"AMD", "BLR", 1225}, {"JAI", "BOM", 920}, {"LKO", "DEL", 420}};

    private final Airports airports;
    private final RatePacer pacer;
    private final int daysAhead;
    private final Clock clock;
    private final List<Scheduled> timetable = new ArrayList<>();

    /** One flight of the timetable: it departs at {@code departs} local time every day. */
    record Scheduled(String flightNumber, String airline, String from, String to, int km, LocalTime departs,
                     int minutes) {
    }

    public FlightSimulator(Airports airports, double ratePerSecond, int daysAhead, Clock clock) {
        this.airports = airports;
        this.pacer = new RatePacer(ratePerSecond);
        this.daysAhead = Math.max(1, daysAhead);
        this.clock = clock;
        Random r = new Random(11);
        for (Object[] route : ROUTES) {
            for (int i = 0; i < 3; i++) {
                String[] carrier = CARRIERS[r.nextInt(CARRIERS.length)];
                int km = (Integer) route[2];
                timetable.add(new Scheduled(carrier[0] + (100 + r.nextInt(9_800)), carrier[1], (String) route[0],
                        (String) route[1], km, LocalTime.of(5 + r.nextInt(18), r.nextInt(12) * 5),
                        45 + km * 60 / 750));
            }
        }
    }

    /** The observations due since the last poll, at the configured rate. */
    public List<FlightObservation> poll() {
        return next(pacer.due());
    }

    /**
     * {@code n} observations seen now, each of a different departure: one poll sees a flight's fare once, so no two
     * observations share the contract's key (flight_number, departure_time, source_site, scraped_at).
     */
    public List<FlightObservation> next(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        LocalDate today = LocalDate.ofInstant(now, INDIA);
        int wanted = Math.min(n, timetable.size() * daysAhead);
        List<FlightObservation> out = new ArrayList<>(wanted);
        java.util.Set<String> taken = new java.util.HashSet<>();
        while (out.size() < wanted) {
            Scheduled f = timetable.get(r.nextInt(timetable.size()));
            int days = r.nextInt(daysAhead + 1);
            Instant departure = today.plusDays(days).atTime(f.departs()).atZone(INDIA).toInstant();
            if (!departure.isAfter(now) || !taken.add(f.flightNumber() + departure)) {
                continue;
            }
            out.add(new FlightObservation(f.flightNumber(), f.airline(), city(f.from()), city(f.to()), f.from(), f.to(),
                    fare(f, days, r), "INR", departure, departure.plus(f.minutes(), ChronoUnit.MINUTES), now,
                    "simulator"));
        }
        return out;
    }

    /** About 4.5 rupees per km, more as departure nears, plus a random drift of a few percent per observation. */
    private static BigDecimal fare(Scheduled f, int daysToDeparture, ThreadLocalRandom r) {
        double base = 1_500 + f.km() * 4.5;
        double urgency = 1 + Math.max(0, 14 - daysToDeparture) * 0.06;
        double drift = 1 + r.nextGaussian() * 0.04;
        return BigDecimal.valueOf(Math.max(999, base * urgency * drift)).setScale(0, RoundingMode.HALF_UP)
                .setScale(2, RoundingMode.UNNECESSARY);
    }

    private String city(String code) {
        return airports.city(code).orElse(code);
    }

    List<Scheduled> timetable() {
        return timetable;
    }
}
