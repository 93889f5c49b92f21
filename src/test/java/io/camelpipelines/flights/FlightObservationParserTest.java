package io.camelpipelines.flights;

import java.nio.charset.StandardCharsets;

import io.camelpipelines.common.InvalidRecordException;
import org.junit.jupiter.api.Test;

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
}
