package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.camelpipelines.common.RatePacer;

/**
 * A Binance-compatible trade stream for offline runs: per symbol a random-walk price (a few basis
 * points per trade), log-normal trade sizes, increasing trade ids, and frames in Binance's combined
 * stream format, at crypto-prices.simulator.rate trades per second in total.
 */
public class TradeSimulator {

    private static final Map<String, Double> START = Map.of("BTCUSDT", 43_500.0, "ETHUSDT", 2_300.0, "BNBUSDT", 310.0,
            "SOLUSDT", 98.0, "XRPUSDT", 0.62);

    private final Map<String, double[]> state = new LinkedHashMap<>();
    private final RatePacer pacer;

    public TradeSimulator(List<String> symbols, double ratePerSecond) {
        this.pacer = new RatePacer(ratePerSecond);
        long firstId = System.currentTimeMillis() * 10;
        for (String s : symbols) {
            state.put(s, new double[] {START.getOrDefault(s, 100.0), firstId});
        }
    }

    /** The frames due since the last call. */
    public synchronized List<String> due() {
        int n = pacer.due();
        List<String> frames = new ArrayList<>(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<String> symbols = new ArrayList<>(state.keySet());
        for (int i = 0; i < n; i++) {
            frames.add(frame(symbols.get(r.nextInt(symbols.size())), System.currentTimeMillis(), r));
        }
        return frames;
    }

    /** Binance's answer to {"method":"SUBSCRIBE","params":[…],"id":n}: {"result":null,"id":n}; null for anything else. */
    public String subscribeReply(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"method\"\\s*:\\s*\"(UN)?SUBSCRIBE\".*\"id\"\\s*:\\s*(\\d+)")
                .matcher(message == null ? "" : message);
        return m.find() ? "{\"result\":null,\"id\":" + m.group(2) + "}" : null;
    }

    private String frame(String symbol, long now, ThreadLocalRandom r) {
        double[] s = state.get(symbol);
        s[0] = Math.max(s[0] * (1 + r.nextGaussian() * 0.0004), 0.0001);
        long tradeId = (long) ++s[1];
        int scale = s[0] >= 100 ? 2 : 4;
        String price = BigDecimal.valueOf(s[0]).setScale(scale, RoundingMode.HALF_UP).toPlainString();
        String qty = BigDecimal.valueOf(Math.exp(r.nextGaussian() - 3) * 1000 / Math.max(s[0], 1))
                .setScale(5, RoundingMode.HALF_UP).max(new BigDecimal("0.00001")).toPlainString();
        long tradeTime = now - r.nextInt(3);
        return String.format(Locale.ROOT,
                "{\"stream\":\"%s@trade\",\"data\":{\"e\":\"trade\",\"E\":%d,\"s\":\"%s\",\"t\":%d,\"p\":\"%s\",\"q\":\"%s\","
                        + "\"T\":%d,\"m\":%b,\"M\":true}}",
                symbol.toLowerCase(Locale.ROOT), now, symbol, tradeId, price, qty, tradeTime, r.nextBoolean());
    }
}
