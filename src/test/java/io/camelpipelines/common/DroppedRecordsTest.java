package io.camelpipelines.common;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DroppedRecordsTest {

    @Test
    void countsTheRecordsAsDroppedAndGivesTheReasonForTheCaller() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("meters", new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            PipelineMetrics metrics = new PipelineMetrics(context);
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                    new org.apache.kafka.common.errors.TimeoutException("Topic clickstream not present in metadata after 10000 ms."));

            String reason = new DroppedRecords(metrics).drop(exchange, "clickstream", 3);

            assertThat(metrics.value("clickstream", PipelineMetrics.Kind.DROPPED)).isEqualTo(3);
            assertThat(metrics.snapshot().get("clickstream")).containsEntry("dropped", 3L).containsEntry("in", 0L);
            assertThat(reason).isEqualTo("not accepted, send the request again: TimeoutException: Topic clickstream not"
                    + " present in metadata after 10000 ms.");
        }
    }
}
