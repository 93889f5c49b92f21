package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.util.List;

import io.camelpipelines.common.InvalidRecordException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TradeFramesTest {

    private final TradeFrames frames = new TradeFrames(List.of("BTCUSDT", "ETHUSDT"), "binance-prices", null);

    @Test
    void binanceTradeFramesBecomeTicksWithNumbersForTheStrings() throws Exception {
        Tick t = frames.fromFrame("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1697654321000,\"s\":\"BTCUSDT\","
                + "\"t\":12345,\"p\":\"43521.50\",\"q\":\"0.012\",\"T\":1697654320999,\"m\":true,\"M\":true}}");
        assertThat(t).isEqualTo(new Tick("BTCUSDT", new BigDecimal("43521.50"), 1697654320999L, "2023-10-18T18:38:41.000Z",
                new BigDecimal("0.012"), 12345));
    }

    @Test
    void theSimulatorSpeaksTheSameFormat() throws Exception {
        TradeSimulator sim = new TradeSimulator(List.of("BTCUSDT", "ETHUSDT"), 1_000);
        assertThat(sim.subscribeReply("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":7}"))
                .isEqualTo("{\"result\":null,\"id\":7}");
        assertThat(sim.subscribeReply("hello")).isNull();
    }

    @Test
    void rejectsWhatIsNotAKnownTrade() {
        assertReason("{\"stream\":", "unparseable frame");
        assertReason("{\"stream\":\"x\"}", "no data object");
        assertReason("{\"data\":{\"e\":\"kline\"}}", "event type 'kline' is not trade");
        assertReason("{\"data\":{\"e\":\"trade\",\"s\":\"DOGEUSDT\"}}", "unknown symbol 'DOGEUSDT'");
        assertReason("{\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"T\":1,\"E\":1,\"t\":1,\"p\":\"-1\",\"q\":\"1\"}}",
                "p '-1' is not a positive number");
        assertReason("{\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"T\":\"soon\",\"E\":1,\"t\":1,\"p\":\"1\",\"q\":\"1\"}}",
                "T must be a whole number");
    }

    private void assertReason(String frame, String reason) {
        assertThatThrownBy(() -> frames.fromFrame(frame)).isInstanceOf(InvalidRecordException.class).hasMessageContaining(reason);
    }

    @Test
    void intervalsNameTheirTables() {
        assertThat(CandleInterval.parseAll("1m, 5m,15m,1h,1d")).extracting(CandleInterval::table).containsExactly(
                "aggregated_prices_1min", "aggregated_prices_5min", "aggregated_prices_15min", "aggregated_prices_1h",
                "aggregated_prices_1d");
        assertThat(CandleInterval.parse("15m").millis()).isEqualTo(900_000);
        assertThatThrownBy(() -> CandleInterval.parse("5s")).hasMessageContaining("must look like 1m");
    }
}
