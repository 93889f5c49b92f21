package io.camelpipelines.common;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.camelpipelines.RunningApplication;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The COPY writer against the application's PostgreSQL: values with every character COPY's text format delimits
 * arrive unchanged, a redelivered batch changes nothing, and a batch with rows the database refuses (a NUL byte in the
 * COPY, a CHECK constraint in the merge) stores every other row and returns the refused ones alone.
 */
class CopyBatchWriterIT {

    record Row(String id, String text, BigDecimal amount) {
    }

    private final RunningApplication app = RunningApplication.get();
    private final DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
    private final String table = "it_copy_" + UUID.randomUUID().toString().replace("-", "");
    private CopyBatchWriter<Row> writer;

    @BeforeEach
    void table() throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id TEXT PRIMARY KEY, text TEXT, amount NUMERIC(12,2) CHECK (amount >= 0))");
        }
        String staging = table + "_staging";
        writer = new CopyBatchWriter<>("it", db, new CopyBatchWriter.Statements(staging,
                "CREATE TEMP TABLE IF NOT EXISTS " + staging + " (id TEXT, text TEXT, amount NUMERIC) ON COMMIT DELETE ROWS",
                "INSERT INTO " + table + " SELECT id, text, amount FROM " + staging + " ON CONFLICT (id) DO NOTHING"),
                List.of(new CopyBatchWriter.Column<>("id", Row::id), new CopyBatchWriter.Column<>("text", Row::text),
                        new CopyBatchWriter.Column<>("amount", Row::amount)),
                app.bean(SharedConnections.METRICS, PipelineMetrics.class));
    }

    @AfterEach
    void drop() throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + table);
        }
    }

    @Test
    void everyCharacterArrivesUnchangedAndARedeliveredBatchChangesNothing() throws Exception {
        List<Row> rows = List.of(
                new Row("tab", "a\tb", new BigDecimal("1.50")),
                new Row("lines", "one\ntwo\r\nthree", new BigDecimal("1E+3")),
                new Row("backslash", "C:\\dir\\N \\N \\t", BigDecimal.ZERO),
                new Row("literal-null-marker", "\\N", null),
                new Row("null", null, new BigDecimal("0.01")),
                new Row("quotes", "\"quoted\" 'single' ,comma;", new BigDecimal("12")),
                new Row("unicode", "Zürich → 東京 🚀", new BigDecimal("99.99")),
                new Row("empty", "", new BigDecimal("2")));
        assertThat(writer.write(records(rows), "it")).isEmpty();
        assertThat(writer.write(records(rows), "it")).as("a redelivery").isEmpty();
        Map<String, Row> expected = new HashMap<>();
        rows.forEach(r -> expected.put(r.id(), asStored(r)));
        assertThat(stored()).isEqualTo(expected);
    }

    @Test
    void rowsTheDatabaseRefusesGoAloneAndTheOthersAreStored() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new Row("ok-" + i, "value " + i, new BigDecimal(i)));
        }
        rows.add(10, new Row("nul-byte", "before\u0000after", BigDecimal.ONE));
        rows.add(30, new Row("negative", "refused by the CHECK", new BigDecimal("-1")));
        List<DeadLetter> refused = writer.write(records(rows), "it");
        assertThat(refused).extracting(d -> new String(d.value(), StandardCharsets.UTF_8))
                .containsExactly("nul-byte", "negative");
        assertThat(refused).allSatisfy(d -> assertThat(d.reason()).startsWith("refused by the database: "));
        Map<String, Row> expected = new HashMap<>();
        rows.stream().filter(r -> r.id().startsWith("ok-")).forEach(r -> expected.put(r.id(), asStored(r)));
        assertThat(stored()).isEqualTo(expected);
        // the connections are fine after the fallback: the next batch is written whole
        assertThat(writer.write(records(List.of(new Row("after", "x", BigDecimal.TEN))), "it")).isEmpty();
        assertThat(stored()).containsKey("after").hasSize(51);
    }

    private List<ParsedRecord<Row>> records(List<Row> rows) {
        List<ParsedRecord<Row>> records = new ArrayList<>();
        long offset = 0;
        for (Row r : rows) {
            Exchange source = new DefaultExchange(app.context());
            source.getMessage().setBody(r.id().getBytes(StandardCharsets.UTF_8));
            source.getMessage().setHeader(KafkaConstants.TOPIC, "it");
            source.getMessage().setHeader(KafkaConstants.PARTITION, 0);
            source.getMessage().setHeader(KafkaConstants.OFFSET, offset++);
            records.add(new ParsedRecord<>(r, source));
        }
        return records;
    }

    /** NUMERIC(12,2) keeps two decimals. */
    private static Row asStored(Row r) {
        return new Row(r.id(), r.text(), r.amount() == null ? null : r.amount().setScale(2));
    }

    private Map<String, Row> stored() throws Exception {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, text, amount FROM " + table)) {
            while (rs.next()) {
                BigDecimal amount = rs.getBigDecimal(3);
                rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), amount));
            }
        }
        return rows;
    }
}
