package io.camelpipelines.infra;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The same answers as Camel's own headers (a TreeMap ordered case-insensitively) under any sequence of changes. */
class SmallHeadersMapTest {

    private static final List<String> NAMES = List.of("kafka.PARTITION", "Kafka.Partition", "kafka.OFFSET",
            "kafka.offset", "CamelHttpPath", "camelhttppath", "Content-Type", "content-type", "CONTENT-TYPE", "a", "A",
            "b", "kafka.TIMESTAMP", "kafka.TOPIC", "x-trace", "X-Trace", "");

    @Test
    void behavesAsACaseInsensitiveTreeMap() {
        Random r = new Random(5);
        for (int run = 0; run < 2_000; run++) {
            Map<String, Object> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            SmallHeadersMap actual = new SmallHeadersMap();
            for (int op = 0; op < 60; op++) {
                // a new String, so a lookup cannot always end at the identity check
                String name = r.nextBoolean() ? NAMES.get(r.nextInt(NAMES.size()))
                        : new String(NAMES.get(r.nextInt(NAMES.size())));
                Object value = r.nextInt(5) == 0 ? null : r.nextInt(100);
                switch (r.nextInt(7)) {
                    case 0, 1, 2 -> assertThat(actual.put(name, value)).isEqualTo(expected.put(name, value));
                    case 3 -> assertThat(actual.remove(name)).isEqualTo(expected.remove(name));
                    case 4 -> {
                        assertThat(actual.get(name)).isEqualTo(expected.get(name));
                        assertThat(actual.containsKey(name)).isEqualTo(expected.containsKey(name));
                    }
                    case 5 -> removeThroughIterators(actual, expected, name);
                    default -> {
                        if (r.nextInt(10) == 0) {
                            actual.clear();
                            expected.clear();
                        }
                    }
                }
                assertThat(actual).hasSize(expected.size()).isEqualTo(expected);
                // the first spelling of a key is kept, as the TreeMap keeps it
                Map<String, Object> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                sorted.putAll(actual);
                assertThat(sorted.keySet()).containsExactlyElementsOf(expected.keySet());
            }
            SmallHeadersMap copy = new SmallHeadersMap(actual);
            copy.put("added-to-the-copy", 1);
            assertThat(actual).isEqualTo(expected);
            assertThat(new SmallHeadersMap(expected)).isEqualTo(expected);
        }
    }

    private static void removeThroughIterators(SmallHeadersMap actual, Map<String, Object> expected, String name) {
        for (Map<String, Object> m : List.of(actual, expected)) {
            Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Object> e = it.next();
                if (e.getKey().equalsIgnoreCase(name)) {
                    it.remove();
                } else {
                    e.setValue(e.getValue() == null ? "was null" : e.getValue());
                }
            }
        }
        List<String> keys = new ArrayList<>(actual.keySet());
        actual.keySet().removeIf(k -> k.length() > 12);
        expected.keySet().removeIf(k -> k.length() > 12);
        assertThat(actual.keySet()).isSubsetOf(keys);
    }

    @Test
    void camelFindsItThroughItsServiceFile() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            assertThat(context.getCamelContextExtension().getHeadersMapFactory()).isInstanceOf(SmallHeadersMapFactory.class);
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setHeader("Content-Type", "text/plain");
            assertThat(exchange.getMessage().getHeaders()).isInstanceOf(SmallHeadersMap.class);
            assertThat(exchange.getMessage().getHeader("content-type")).isEqualTo("text/plain");
            assertThat(exchange.copy().getMessage().getHeader("CONTENT-TYPE")).isEqualTo("text/plain");
        }
    }
}
