package io.camelpipelines.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaRecordBatchTest {

    @Test
    void aRecordItsParserFailsOnInAnyWayGoesAloneToTheDeadLetters() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("meters", new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            RecordParser<String> parser = value -> {
                String s = new String(value, StandardCharsets.UTF_8);
                return switch (s) {
                    case "invalid" -> throw new InvalidRecordException("price must be a number");
                    case "unexpected" -> throw new IllegalStateException("a library's own exception");
                    default -> s;
                };
            };
            KafkaRecordBatch<String> batch = new KafkaRecordBatch<>("test", parser, new PipelineMetrics(context));
            List<Exchange> records = new ArrayList<>();
            String[] values = {"a", "invalid", "b", "unexpected", "c"};
            for (int i = 0; i < values.length; i++) {
                Exchange r = new DefaultExchange(context);
                r.getMessage().setBody(values[i].getBytes(StandardCharsets.UTF_8));
                r.getMessage().setHeader(KafkaConstants.TOPIC, "topic");
                r.getMessage().setHeader(KafkaConstants.PARTITION, 0);
                r.getMessage().setHeader(KafkaConstants.OFFSET, (long) i);
                records.add(r);
            }
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(records);

            batch.parse(exchange);

            @SuppressWarnings("unchecked")
            List<ParsedRecord<String>> valid = exchange.getMessage().getBody(List.class);
            assertThat(valid).extracting(ParsedRecord::value).containsExactly("a", "b", "c");
            @SuppressWarnings("unchecked")
            List<DeadLetter> dead = exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class);
            assertThat(dead).extracting(DeadLetter::origin).containsExactly("topic-0@1", "topic-0@3");
            assertThat(dead.get(0).reason()).isEqualTo("price must be a number");
            assertThat(dead.get(1).reason()).isEqualTo("unreadable record: java.lang.IllegalStateException: a library's own exception");
        }
    }
}
