package io.camelpipelines.common;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldRulesTest {

    private final ObjectNode record = new ObjectMapper().createObjectNode();

    @Test
    void textRejectsOtherTypesLengthAndNulNamingTheField() throws Exception {
        record.put("ok", "ünï 😀");
        record.putNull("none");
        record.putObject("nested").put("a", 1);
        record.put("number", 42);
        record.put("long", "x".repeat(11));
        record.put("nul", "a\u0000b");
        assertThat(FieldRules.text(record, "ok", 10)).isEqualTo("ünï 😀");
        assertThat(FieldRules.text(record, "none", 10)).isNull();
        assertThat(FieldRules.text(record, "absent", 10)).isNull();
        assertThatThrownBy(() -> FieldRules.text(record, "nested", 10)).hasMessage("nested must be a string, not object");
        assertThatThrownBy(() -> FieldRules.text(record, "number", 10)).hasMessage("number must be a string, not number");
        assertThatThrownBy(() -> FieldRules.text(record, "long", 10)).hasMessage("long longer than 10 characters");
        assertThatThrownBy(() -> FieldRules.text(record, "nul", 10)).hasMessage("nul contains a NUL character");
    }

    @Test
    void numbersMustFitTheirColumnAndHugeOnesStayShortInTheReason() throws Exception {
        assertThat(FieldRules.numeric("amount", new BigDecimal("99999999.99"), 10, 2)).isEqualByComparingTo("99999999.99");
        assertThatThrownBy(() -> FieldRules.numeric("amount", new BigDecimal("100000000"), 10, 2))
                .hasMessage("amount 100000000 exceeds NUMERIC(10,2)");
        assertThatThrownBy(() -> FieldRules.numeric("amount", new BigDecimal("1E+400"), 10, 2))
                .hasMessage("amount 1E+400 exceeds NUMERIC(10,2)");
    }

    @Test
    void timesMustLieWithinYearsOneTo9999() throws Exception {
        Instant ok = Instant.parse("9999-12-31T23:59:59Z");
        assertThat(FieldRules.inRange("t", "x", ok)).isEqualTo(ok);
        assertThatThrownBy(() -> FieldRules.inRange("t", "+300000-01-01T00:00:00Z", Instant.parse("+300000-01-01T00:00:00Z")))
                .hasMessage("t '+300000-01-01T00:00:00Z' is out of range (years 1 to 9999)");
        assertThatThrownBy(() -> FieldRules.inRange("t", "-1", Instant.parse("-0001-01-01T00:00:00Z")))
                .hasMessageContaining("out of range");
    }
}
