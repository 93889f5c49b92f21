package io.camelpipelines.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MillisFunctionTest {

    @Test
    void durationsWithTheirUnitAndBareMillisecondsBecomeMilliseconds() {
        assertThat(MillisFunction.millis("p", "500ms")).isEqualTo(500);
        assertThat(MillisFunction.millis("p", "30s")).isEqualTo(30_000);
        assertThat(MillisFunction.millis("p", "2m")).isEqualTo(120_000);
        assertThat(MillisFunction.millis("p", "1h")).isEqualTo(3_600_000);
        assertThat(MillisFunction.millis("p", "7d")).isEqualTo(7 * 86_400_000L);
        assertThat(MillisFunction.millis("p", "1000")).isEqualTo(1_000);
        assertThatThrownBy(() -> MillisFunction.millis("clickstream.aggregate.period", "soon"))
                .hasMessageContaining("clickstream.aggregate.period must be a duration");
    }
}
