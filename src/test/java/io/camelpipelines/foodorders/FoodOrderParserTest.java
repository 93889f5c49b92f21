package io.camelpipelines.foodorders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.camelpipelines.common.InvalidRecordException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FoodOrderParserTest {

    private final FoodOrderParser parser = new FoodOrderParser();

    private FoodOrder parse(String json) throws InvalidRecordException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesTheContractShape() throws Exception {
        FoodOrder o = parse("{\"order_id\":101,\"customer_name\":\"John Doe\",\"restaurant_name\":\"Burger Junction\","
                + "\"item\":\"Veg Burger\",\"amount\":220.0,\"order_status\":\"PLACED\",\"created_at\":\"2025-01-15T12:24:00Z\"}");
        assertThat(o.orderId()).isEqualTo(101L);
        assertThat(o.amount()).isEqualByComparingTo("220.00");
        assertThat(o.createdAt()).isEqualTo(Instant.parse("2025-01-15T12:24:00Z"));
    }

    @Test
    void aTimestampWithoutOffsetIsUtcAsInTheSourceTable() throws Exception {
        assertThat(FoodOrderParser.createdAt("2025-01-15 12:24:00.5")).isEqualTo(Instant.parse("2025-01-15T12:24:00.5Z"));
    }

    @Test
    void theSeedsCleaningRulesGiveTheirReasons() {
        String ok = "\"customer_name\":\"a\",\"order_status\":\"PLACED\",\"created_at\":\"2025-01-15T12:24:00Z\"";
        assertReason("{\"order_id\":null,\"amount\":1," + ok + "}", "null order_id");
        assertReason("{\"amount\":1," + ok + "}", "null order_id");
        assertReason("{\"order_id\":1,\"amount\":-5.50," + ok + "}", "negative amount -5.50");
        assertReason("{\"order_id\":1," + ok + "}", "null amount");
        assertReason("{\"order_id\":1,\"amount\":\"ten\"," + ok + "}", "is not a number");
        assertReason("{\"order_id\":\"x1\",\"amount\":1," + ok + "}", "not a whole number");
        assertReason("{\"order_id\":1,\"amount\":1,\"order_status\":\"LOST\",\"created_at\":\"2025-01-15T12:24:00Z\"}",
                "order_status 'LOST'");
        assertReason("{\"order_id\":1,\"amount\":1,\"order_status\":\"PLACED\",\"created_at\":\"soon\"}", "not a timestamp");
        assertReason("{\"order_id\":1,\"amount\":123456789,\"order_status\":\"PLACED\",\"created_at\":\"2025-01-15T12:24:00Z\"}",
                "exceeds NUMERIC(10,2)");
        assertReason("{oops", "malformed JSON");
        // Jackson throws a NumberFormatException of its own for this one, unwrapped
        assertReason("{\"order_id\":1,\"amount\":1E3456789012," + ok + "}", "malformed JSON");
        // it used to overflow the lake writer on every retry and stop the pipeline
        assertReason("{\"order_id\":1,\"amount\":1,\"order_status\":\"PLACED\",\"created_at\":\"+300000-01-01T00:00:00Z\"}",
                "created_at '+300000-01-01T00:00:00Z' is out of range");
        assertReason("{\"order_id\":1,\"amount\":1,\"op\":\"x\"," + ok + "}", "op 'x' is not one of");
    }

    @Test
    void theChangeTypeIsKeptAndARecordWithoutOneIsAnInsert() throws Exception {
        String row = "\"order_id\":7,\"amount\":1,\"order_status\":\"DELIVERED\",\"created_at\":\"2025-01-15T12:24:00Z\"";
        assertThat(parse("{" + row + ",\"op\":\"u\"}").op()).isEqualTo("u");
        assertThat(parse("{" + row + ",\"op\":\"d\"}").op()).isEqualTo("d");
        assertThat(parse("{" + row + "}").op()).isEqualTo("c");
    }

    private void assertReason(String json, String reason) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidRecordException.class).hasMessageContaining(reason);
    }
}
