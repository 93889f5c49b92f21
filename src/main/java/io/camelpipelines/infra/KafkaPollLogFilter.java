package io.camelpipelines.infra;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * A failed Kafka poll is reported by {@code KafkaPollRetry}, once per episode and naming the cluster and the setting
 * to check. The lines Camel's fetcher and the Kafka client write for every single attempt of the same failure (a
 * refused login is retried every few seconds) would bury that one line, so they are left out; their other lines are not.
 */
public class KafkaPollLogFilter extends Filter<ILoggingEvent> {

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String logger = event.getLoggerName();
        String format = event.getMessage();
        if (format == null) {
            return FilterReply.NEUTRAL;
        }
        if (logger.equals("org.apache.camel.component.kafka.KafkaFetchRecords")
                && format.startsWith("Exception {} caught by thread")) {
            return FilterReply.DENY;
        }
        if (logger.equals("org.apache.kafka.clients.NetworkClient") && format.contains("failed authentication")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
