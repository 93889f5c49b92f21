package io.camelpipelines.infra;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.bulk.IndexOperation;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.SharedConnections;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A round trip through Camel endpoints on each of the four real embedded services. */
class EmbeddedServicesIT {

    private static CamelContext context;
    private static ProducerTemplate producer;
    private static ConsumerTemplate consumer;

    @BeforeAll
    static void start() {
        context = RunningApplication.get().context();
        producer = context.createProducerTemplate();
        consumer = context.createConsumerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        producer.close();
        consumer.close();
    }

    @Test
    void kafkaKeepsEveryRecordAndTheOrderPerKey() {
        String topic = "it-roundtrip-" + UUID.randomUUID();
        int n = 200;
        for (int i = 0; i < n; i++) {
            producer.sendBodyAndHeader("kafka:" + topic + "?requestRequiredAcks=all&enableIdempotence=true",
                    "record-" + i, KafkaConstants.KEY, "key-" + (i % 4));
        }
        String uri = "kafka:" + topic + "?groupId=it-" + UUID.randomUUID() + "&autoOffsetReset=earliest&pollTimeoutMs=500";
        Map<String, List<Integer>> perKey = new HashMap<>();
        int received = 0;
        while (received < n) {
            Exchange e = consumer.receive(uri, 30_000);
            assertThat(e).as("record %d of %d", received + 1, n).isNotNull();
            String key = e.getMessage().getHeader(KafkaConstants.KEY, String.class);
            int seq = Integer.parseInt(e.getMessage().getBody(String.class).substring("record-".length()));
            perKey.computeIfAbsent(key, k -> new ArrayList<>()).add(seq);
            received++;
        }
        assertThat(perKey).hasSize(4);
        perKey.forEach((key, seqs) -> {
            assertThat(seqs).hasSize(n / 4).isSorted();
            assertThat(seqs).allMatch(s -> key.equals("key-" + (s % 4)));
        });
        assertThat(consumer.receive(uri, 1_000)).as("nothing beyond what was sent").isNull();
    }

    @Test
    void theEmbeddedBrokersRegisterNoMBeansOfTheirOwnWhileTheClientsKeepTheirs() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        // the pipelines' consumers and producers run in this JVM (the route controller starts them in the background)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(jmx.queryNames(new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*"), null)).isNotEmpty();
            assertThat(jmx.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null)).isNotEmpty();
        });
        for (String domain : List.of("kafka.server", "kafka.network", "kafka.log", "kafka.cluster", "kafka.controller")) {
            // each broker's version (app-info) is registered whatever the filter says: one MBean per broker
            assertThat(jmx.queryNames(new ObjectName(domain + ":*"), null))
                    .filteredOn(name -> !"app-info".equals(name.getKeyProperty("type")))
                    .as("MBeans of %s", domain).isEmpty();
        }
    }

    @Test
    void theEmbeddedBrokersRunTheThreadPoolsTheConfigurationSets() {
        int io = Integer.parseInt(context.resolvePropertyPlaceholders("{{kafka.embedded.io-threads}}"));
        int network = Integer.parseInt(context.resolvePropertyPlaceholders("{{kafka.embedded.network-threads}}"));
        int background = Integer.parseInt(context.resolvePropertyPlaceholders("{{kafka.embedded.background-threads}}"));
        List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
        // network threads are named by node id and listener: data-plane-kafka-network-thread-1-ListenerName(PLAINTEXT)-PLAINTEXT-0
        Pattern networkThread = Pattern.compile(
                "data-plane-kafka-network-thread-(\\d+)-ListenerName\\((\\w+)\\)-.*");
        Map<String, Long> perListener = names.stream().map(networkThread::matcher)
                .filter(Matcher::matches)
                .collect(Collectors.groupingBy(m -> m.group(1) + "/" + m.group(2), Collectors.counting()));
        long brokers = perListener.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().count();
        assertThat(brokers).as("embedded brokers running in this JVM").isGreaterThanOrEqualTo(1);
        assertThat(perListener.values()).as("network threads per listener: %s", perListener).containsOnly((long) network);
        // each broker runs two request handler pools (its own and its controller's)
        assertThat(names).filteredOn(n -> n.startsWith("data-plane-kafka-request-handler-")).hasSize((int) (brokers * 2 * io));
        assertThat(names).filteredOn(n -> n.startsWith("kafka-scheduler-")).hasSize((int) (brokers * background));
    }

    @Test
    void postgresStoresABatchDurably() throws Exception {
        DataSource ds = context.getRegistry().lookupByNameAndType(SharedConnections.DATA_SOURCE, DataSource.class);
        producer.sendBody("jdbc:" + SharedConnections.DATA_SOURCE,
                "CREATE TABLE IF NOT EXISTS it_roundtrip (id INT PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(10,2))");
        List<Map<String, Object>> rows = IntStream.range(0, 500).mapToObj(i -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", i);
            r.put("name", "row-" + i);
            r.put("amount", new java.math.BigDecimal(i + ".25"));
            return r;
        }).toList();
        producer.sendBody("sql:INSERT INTO it_roundtrip (id, name, amount) VALUES (:#id, :#name, :#amount)"
                + "?dataSource=#dataSource&batch=true", rows);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> back = producer.requestBody(
                "sql:SELECT id, name, amount FROM it_roundtrip ORDER BY id?dataSource=#dataSource", null, List.class);
        assertThat(back).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(back.get(i)).containsEntry("id", i).containsEntry("name", "row-" + i);
            assertThat((java.math.BigDecimal) back.get(i).get("amount")).isEqualByComparingTo(i + ".25");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(setting(s, "fsync")).isEqualTo("on");
            assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
        }
    }

    private static String setting(Statement s, String name) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void mongodbStoresAndAggregatesDocuments() {
        String base = "mongodb:" + SharedConnections.MONGO_CLIENT + "?database=it&collection=roundtrip";
        List<Document> docs = IntStream.range(0, 300)
                .mapToObj(i -> new Document("_id", "doc-" + i).append("group", "g" + (i % 3)).append("value", i))
                .toList();
        producer.sendBody(base + "&operation=insert", docs);

        assertThat(producer.requestBody(base + "&operation=count", null, Long.class)).isEqualTo(300L);
        @SuppressWarnings("unchecked")
        List<Document> all = producer.requestBody(base + "&operation=findAll", null, List.class);
        assertThat(all).extracting(d -> d.getString("_id"))
                .containsExactlyInAnyOrderElementsOf(docs.stream().map(d -> d.getString("_id")).toList());

        @SuppressWarnings("unchecked")
        List<Document> sums = producer.requestBody(base + "&operation=aggregate",
                List.of(new Document("$group", new Document("_id", "$group").append("total", new Document("$sum", "$value"))),
                        new Document("$sort", new Document("_id", 1))), List.class);
        Map<String, Integer> expected = new HashMap<>();
        docs.forEach(d -> expected.merge(d.getString("group"), d.getInteger("value"), Integer::sum));
        assertThat(sums).hasSize(3);
        sums.forEach(s -> assertThat(s.getInteger("total")).isEqualTo(expected.get(s.getString("_id"))));
    }

    @Test
    void elasticsearchIndexesInBulkAndSearches() throws Exception {
        String index = "it-roundtrip";
        // the Bulk operation takes index operations that carry their document id
        List<IndexOperation.Builder<Object>> ops = IntStream.range(0, 250).mapToObj(i -> new IndexOperation.Builder<>()
                .id("doc-" + i).document((Object) Map.of("n", i, "parity", i % 2 == 0 ? "even" : "odd"))).toList();
        producer.sendBody("elasticsearch://local?operation=Bulk&indexName=" + index, ops);

        ElasticsearchClient es = context.getRegistry().lookupByNameAndType(SharedConnections.ES_CLIENT,
                ElasticsearchClient.class);
        es.indices().refresh(r -> r.index(index));
        assertThat(es.count(c -> c.index(index)).count()).isEqualTo(250L);

        Map<String, Object> query = Map.of("query", Map.of("term", Map.of("parity", "even")));
        co.elastic.clients.elasticsearch.core.search.HitsMetadata<?> hits = producer.requestBodyAndHeader(
                "elasticsearch://local?operation=Search&indexName=" + index, query, "size", 1000,
                co.elastic.clients.elasticsearch.core.search.HitsMetadata.class);
        assertThat(hits.hits()).hasSize(125);
        assertThat(hits.hits()).allMatch(h -> Integer.parseInt(h.id().substring(4)) % 2 == 0);
    }
}
