package io.camelpipelines.flights;

/**
 * One item a flight source found: the observation it maps to, or why it could not be mapped; {@code raw} is what the
 * source saw (the offer's JSON, the table row's HTML), which a dead letter carries so the fault can be seen and the
 * record replayed after a fix.
 */
public record Harvested(String raw, FlightObservation observation, String rejection) {

    public static Harvested of(String raw, FlightObservation observation) {
        return new Harvested(raw, observation, null);
    }

    public static Harvested rejected(String raw, String reason) {
        return new Harvested(raw, null, reason);
    }
}
