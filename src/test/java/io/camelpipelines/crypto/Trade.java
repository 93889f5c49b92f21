package io.camelpipelines.crypto;

import java.math.BigDecimal;

/** A trade as a test sends it over the WebSocket, or reads it back from stock.real_time_prices. */
record Trade(String symbol, BigDecimal price, BigDecimal qty, long time, long id) {

    String frame() {
        return "{\"stream\":\"" + symbol.toLowerCase() + "@trade\",\"data\":{\"e\":\"trade\",\"E\":" + (time + 5)
                + ",\"s\":\"" + symbol + "\",\"t\":" + id + ",\"p\":\"" + price.toPlainString() + "\",\"q\":\""
                + qty.toPlainString() + "\",\"T\":" + time + ",\"m\":false,\"M\":true}}";
    }
}
