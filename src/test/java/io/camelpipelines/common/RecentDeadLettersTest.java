package io.camelpipelines.common;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentDeadLettersTest {

    private static DeadLetter letter(String reason) {
        return new DeadLetter("clickstream", null, new byte[0], reason, "clickstream-to-postgres", "clickstream-0@1");
    }

    @Test
    void keepsTheLatestReasonsOfEachPipelineNewestFirst() {
        RecentDeadLetters recent = new RecentDeadLetters(3);
        Instant t = Instant.parse("2026-11-21T09:00:00Z");
        recent.note("clickstream", List.of(letter("a"), letter("b")), t);
        recent.note("clickstream", List.of(letter("c"), letter("d")), t.plusSeconds(1));
        recent.note("flights", List.of(letter("x")), t);

        assertThat(recent.latest("clickstream")).extracting(RecentDeadLetters.Entry::reason).containsExactly("d", "c", "b");
        assertThat(recent.latest("clickstream").get(0).time()).isEqualTo(t.plusSeconds(1));
        assertThat(recent.latest("flights")).extracting(RecentDeadLetters.Entry::reason).containsExactly("x");
        assertThat(recent.latest("food-orders")).isEmpty();
    }

    @Test
    void aLargeBatchKeepsItsLastRejectsAndALongReasonIsShortened() {
        RecentDeadLetters recent = new RecentDeadLetters(2);
        recent.note("clickstream", IntStream.range(0, 10_000).mapToObj(i -> letter("r" + i)).toList(), Instant.now());
        assertThat(recent.latest("clickstream")).extracting(RecentDeadLetters.Entry::reason).containsExactly("r9999", "r9998");

        recent.note("clickstream", List.of(letter("y".repeat(5000))), Instant.now());
        assertThat(recent.latest("clickstream").get(0).reason()).hasSize(301).endsWith("…");
    }
}
