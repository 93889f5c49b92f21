package io.camelpipelines.flights;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/** GET /api/flights/{flight_number}/history: every price observed for a flight, from PostgreSQL flight_prices. */
public class FlightHistory {

    private final DataSource dataSource;
    private final String sql;
    private final int maxRows;

    public FlightHistory(DataSource dataSource, String sql, int maxRows) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.maxRows = maxRows;
    }

    public Map<String, Object> history(String flightNumber) throws SQLException {
        String f = flightNumber == null ? "" : flightNumber.trim().toUpperCase();
        if (!FlightObservationParser.FLIGHT_NUMBER.matcher(f).matches()) {
            throw new IllegalArgumentException("'" + flightNumber + "' is not a flight number such as AI303 or 6E2134");
        }
        List<Map<String, Object>> observations = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, f);
            ps.setInt(2, maxRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("departure_time", rs.getTimestamp("departure_time").toInstant().toString());
                    o.put("source", rs.getString("source"));
                    o.put("destination", rs.getString("destination"));
                    o.put("price", rs.getBigDecimal("price"));
                    o.put("currency", rs.getString("currency"));
                    o.put("scraped_at", rs.getTimestamp("scraped_at").toInstant().toString());
                    o.put("source_site", rs.getString("source_site"));
                    observations.add(o);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flight_number", f);
        out.put("count", observations.size());
        out.put("observations", observations);
        return out;
    }
}
