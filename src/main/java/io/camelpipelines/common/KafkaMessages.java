package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Turns a list of values into Kafka messages (JSON bytes, key = the value's natural key), so one
 * exchange sends the whole list: camel-kafka sends every message of a List body and waits for all acks.
 */
public class KafkaMessages {

    /** A value that knows its Kafka key. */
    public interface Keyed {
        String kafkaKey();
    }

    private final ObjectMapper json = Json.ISO_TIMES;

    public List<Message> toMessages(Exchange exchange) throws JsonProcessingException {
        List<?> values = exchange.getMessage().getBody(List.class);
        List<Message> out = new ArrayList<>(values.size());
        for (Object v : values) {
            Message m = new DefaultMessage(exchange.getContext());
            m.setBody(json.writeValueAsBytes(v));
            if (v instanceof Keyed k) {
                m.setHeader(KafkaConstants.KEY, k.kafkaKey());
            }
            out.add(m);
        }
        return out;
    }
}
