package io.camelpipelines.common;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RatePacerTest {

    private final AtomicLong now = new AtomicLong();

    private void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000);
    }

    @Test
    void owesExactlyTheRateOverTimeWhateverTheTickLengths() {
        RatePacer pacer = new RatePacer(250, now::get);
        int total = 0;
        for (long tick : new long[] {3, 97, 400, 1, 499}) {   // 1,000 ms in uneven ticks
            advanceMillis(tick);
            total += pacer.due();
        }
        assertThat(total).isEqualTo(250);
        advanceMillis(2);
        assertThat(pacer.due()).isZero();                      // 0.5 owed: not yet a whole record
        advanceMillis(2);
        assertThat(pacer.due()).isEqualTo(1);
    }

    @Test
    void aLongPauseIsCappedAtFiveSecondsOfRecords() {
        RatePacer pacer = new RatePacer(100, now::get);
        advanceMillis(60_000);
        assertThat(pacer.due()).isEqualTo(500);
        assertThat(new RatePacer(0, now::get).due()).isZero();
    }
}
