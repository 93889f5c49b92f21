package io.camelpipelines.flights;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * IATA airport codes, the cities they serve and their time zones, from {@code flights/airports.csv}
 * (iata,city,zone,airport): sources that give codes get city names, local times (as flight-offer APIs give them)
 * become instants, and a search by city name finds its codes.
 */
public final class Airports {

    private final Map<String, String> cityByCode = new LinkedHashMap<>();
    private final Map<String, java.time.ZoneId> zoneByCode = new LinkedHashMap<>();

    public Airports(Map<String, String> cityByCode, Map<String, java.time.ZoneId> zoneByCode) {
        cityByCode.forEach((code, city) -> this.cityByCode.put(code.toUpperCase(Locale.ROOT), city));
        zoneByCode.forEach((code, zone) -> this.zoneByCode.put(code.toUpperCase(Locale.ROOT), zone));
    }

    public static Airports fromResource(String resource) {
        Map<String, String> cities = new LinkedHashMap<>();
        Map<String, java.time.ZoneId> zones = new LinkedHashMap<>();
        try (InputStream in = Airports.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("airport table " + resource + " is not on the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",", 4);
                if (f.length >= 3 && !f[0].isBlank()) {
                    cities.put(f[0].trim(), f[1].trim());
                    zones.put(f[0].trim(), java.time.ZoneId.of(f[2].trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Airports(cities, zones);
    }

    /** The city of an IATA code, if the table knows it. */
    public Optional<String> city(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(cityByCode.get(code.trim().toUpperCase(Locale.ROOT)));
    }

    /** The time zone of an airport (local departure times are given in it); UTC when the table does not know it. */
    public java.time.ZoneId zone(String code) {
        return code == null ? java.time.ZoneOffset.UTC
                : zoneByCode.getOrDefault(code.trim().toUpperCase(Locale.ROOT), java.time.ZoneOffset.UTC);
    }

    /** The IATA code of a city (the first airport listed for it), if the table knows it. */
    public Optional<String> code(String city) {
        if (city == null) {
            return Optional.empty();
        }
        String c = city.trim();
        return cityByCode.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(c)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** Every IATA code of a search term that is a code or a city name ("DEL", "delhi"); empty when unknown. */
    public java.util.List<String> codesOf(String codeOrCity) {
        if (codeOrCity == null || codeOrCity.isBlank()) {
            return java.util.List.of();
        }
        String t = codeOrCity.trim();
        if (cityByCode.containsKey(t.toUpperCase(Locale.ROOT))) {
            return java.util.List.of(t.toUpperCase(Locale.ROOT));
        }
        return cityByCode.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(t)).map(Map.Entry::getKey).toList();
    }

    public Map<String, String> all() {
        return java.util.Collections.unmodifiableMap(cityByCode);
    }
}
