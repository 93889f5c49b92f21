package io.camelpipelines.flights;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KnownFlightDocumentsTest {

    @Test
    void holdsAtMostItsCapacityAndLetsTheLeastRecentlyUsedGoFirst() {
        KnownFlightDocuments known = new KnownFlightDocuments(2);
        known.put("a", 1, 1, Map.of("latest_price", 1.0));
        known.put("b", 2, 1, Map.of("latest_price", 2.0));
        known.get("a");
        known.put("c", 3, 1, Map.of("latest_price", 3.0));
        assertThat(known.size()).isEqualTo(2);
        assertThat(known.get("b")).isNull();
        assertThat(known.get("a").seqNo()).isEqualTo(1);
        assertThat(known.get("c").source()).containsEntry("latest_price", 3.0);
    }

    @Test
    void forgetsWhatItIsToldAndNothingAtAllWithCapacityZero() {
        KnownFlightDocuments known = new KnownFlightDocuments(10);
        known.put("a", 1, 1, Map.of());
        known.put("b", 2, 1, Map.of());
        known.forget(List.of("a", "x"));
        assertThat(known.get("a")).isNull();
        assertThat(known.get("b")).isNotNull();

        KnownFlightDocuments off = new KnownFlightDocuments(0);
        off.put("a", 1, 1, Map.of());
        assertThat(off.get("a")).isNull();
    }
}
