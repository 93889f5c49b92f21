package io.camelpipelines.flights;

import java.nio.charset.StandardCharsets;

import io.camelpipelines.common.InvalidRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's console consumer as one INFO line per record of flight-data ({@code Received: AI303: Delhi → Mumbai
 * 4500.00 INR}); a record that is not a valid observation is one WARN line naming it and why.
 */
public class FlightConsole {

    private static final Logger LOG = LoggerFactory.getLogger("flights.console");
    private final FlightObservationParser parser = new FlightObservationParser();

    public void log(byte[] value, String origin) {
        try {
            LOG.info("Received: {}", parser.parse(value).summary());
        } catch (InvalidRecordException e) {
            LOG.warn("Received an invalid flight record at {} ({}): {}", origin, e.getMessage(),
                    new String(value, StandardCharsets.UTF_8).lines().findFirst().orElse(""));
        }
    }
}
