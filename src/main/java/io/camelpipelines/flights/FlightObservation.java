package io.camelpipelines.flights;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.camelpipelines.common.KafkaMessages;

/**
 * One price of one flight seen by one source at one moment, as it travels on {@code flight-data} (key flight_number).
 * {@code source}/{@code destination} are city names (the seed's fields), {@code origin_code}/{@code destination_code}
 * the IATA codes where the source knows them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlightObservation(
        @JsonProperty("flight_number") String flightNumber,
        @JsonProperty("airline") String airline,
        @JsonProperty("source") String source,
        @JsonProperty("destination") String destination,
        @JsonProperty("origin_code") String originCode,
        @JsonProperty("destination_code") String destinationCode,
        @JsonProperty("price") BigDecimal price,
        @JsonProperty("currency") String currency,
        @JsonProperty("departure_time") Instant departureTime,
        @JsonProperty("arrival_time") Instant arrivalTime,
        @JsonProperty("scraped_at") Instant scrapedAt,
        @JsonProperty("source_site") String sourceSite) implements KafkaMessages.Keyed {

    @Override
    public String kafkaKey() {
        return flightNumber;
    }

    /** The seed's console line: {@code AI303: Delhi → Mumbai 4500.00 INR}. */
    public String summary() {
        return flightNumber + ": " + source + " → " + destination + " " + price.setScale(2, java.math.RoundingMode.HALF_UP)
                .toPlainString() + " " + currency;
    }
}
