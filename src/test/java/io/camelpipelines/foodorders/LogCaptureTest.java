package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.TimeZone;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogCaptureTest {

    /** Transactions arrive in commit order: a later commit sorts after every change of an earlier one. */
    @Test
    void sequencesOrderByTheLastCommitThenByTheChange() {
        long[] a = LogCapture.parse("[\"100\",\"120\"]");
        long[] b = LogCapture.parse("[\"100\",\"130\"]");
        long[] laterTxStartedEarlier = LogCapture.parse("[\"250\",\"110\"]");
        assertThat(LogCapture.compare(a, b)).isNegative();
        assertThat(LogCapture.compare(b, laterTxStartedEarlier)).isNegative();
        assertThat(LogCapture.compare(a, LogCapture.parse(LogCapture.format(a)))).isZero();
        assertThat(LogCapture.parse("[null,\"42\"]")).containsExactly(-1, 42);
        assertThat(LogCapture.parse(null)).isNull();
        assertThatThrownBy(() -> LogCapture.parse("[\"x\"")).isInstanceOf(IllegalArgumentException.class);
    }

    /** TIMESTAMP arrives as microseconds of the wall time; the table keeps UTC, whatever the JVM's zone is. */
    @Test
    void aRowBecomesTheContractsOrderInAnyJvmTimeZone() {
        Schema schema = SchemaBuilder.struct()
                .field("order_id", Schema.INT32_SCHEMA)
                .field("customer_name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("restaurant_name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("item", Schema.OPTIONAL_STRING_SCHEMA)
                .field("amount", Decimal.builder(2).optional().build())
                .field("order_status", Schema.OPTIONAL_STRING_SCHEMA)
                .field("created_at", Schema.INT64_SCHEMA)
                .build();
        // 02:30 on the day New York springs forward: a wall time that does not exist there
        LocalDateTime wall = LocalDateTime.of(2025, 3, 9, 2, 30, 0, 123_456_000);
        Struct row = new Struct(schema).put("order_id", 101).put("customer_name", "John Doe")
                .put("restaurant_name", "Burger Junction").put("item", "Veg Burger")
                .put("amount", new BigDecimal("220.00")).put("order_status", "PLACED")
                .put("created_at", ChronoUnit.MICROS.between(Instant.EPOCH, wall.toInstant(ZoneOffset.UTC)));
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            FoodOrder o = LogCapture.toOrder(row, "u");
            assertThat(o.orderId()).isEqualTo(101L);
            assertThat(o.amount()).isEqualByComparingTo("220.00");
            assertThat(o.createdAt()).isEqualTo(Instant.parse("2025-03-09T02:30:00.123456Z"));
            assertThat(o.op()).isEqualTo("u");
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void theSourceDatabaseComesFromTheJdbcUrl() {
        assertThat(SourceDatabase.of("jdbc:postgresql://db.example:6543/shop?sslmode=require"))
                .isEqualTo(new SourceDatabase("db.example", 6543, "shop"));
        assertThat(SourceDatabase.of("jdbc:postgresql://127.0.0.1/pipelines").port()).isEqualTo(5432);
    }
}
