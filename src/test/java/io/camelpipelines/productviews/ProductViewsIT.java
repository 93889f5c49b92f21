package io.camelpipelines.productviews;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.infra.KafkaBroker;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Views written to the remote cluster (the embedded stand-in, through its SASL/PLAIN listener, as upstream
 * writes them) cross the bridge to the local topic and land in MongoDB once each, normalized; the bad ones go to
 * product_views.dlq with the field named.
 */
class ProductViewsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();
    private final String marker = UUID.randomUUID().toString().substring(0, 8);

    private ObjectNode view(String id, String product, long epochSeconds, Object store) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("time_stamp", epochSeconds);
        n.put("ip", "37.170.17.183");
        n.put("user_agent", "Mozilla/5.0 (iPhone)");
        n.put("resolution", "375x667");
        n.put("device_id", "device-" + marker);
        n.put("api_version", "1.0");
        if (store instanceof Integer i) {
            n.put("store_id", i);
        } else {
            n.put("store_id", (String) store);
        }
        n.put("local_time", "2020-06-04 17:21:32");
        n.put("current_url", "https://www.example.com/products/" + product);
        n.put("referrer_url", "https://www.google.com/");
        n.put("collection", "view_product_detail");
        n.put("product_id", product);
        n.putArray("option");
        return n;
    }

    @Test
    void viewsFromTheRemoteClusterAreStoredOnceEachNormalizedAndBadOnesDeadLettered() throws Exception {
        Instant day = Instant.parse("2021-03-01T12:00:00Z");
        Map<String, ObjectNode> good = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            String id = "v-" + marker + "-" + i;
            // three dates, store_id as a number or a string, as upstream sends it
            good.put(id, view(id, "p-" + marker + "-" + (i % 5), day.plusSeconds(i % 3 * 86_400L + i).getEpochSecond(),
                    i % 2 == 0 ? Integer.valueOf(i % 4) : String.valueOf(i % 4)));
        }
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(view("b-" + marker + "-1", "p-x", day.getEpochSecond(), "1").putNull("id").put("ip", marker).toString(), "missing id");
        bad.put(view("b-" + marker + "-2", "p-x", day.getEpochSecond(), "1").putNull("product_id").toString(), "missing product_id");
        bad.put(view("b-" + marker + "-3", "p-x", day.getEpochSecond(), "1").put("time_stamp", "yesterday").toString(),
                "time_stamp 'yesterday' is not epoch seconds");
        ObjectNode nested = view("b-" + marker + "-4", "p-x", day.getEpochSecond(), "1");
        nested.putObject("store_id").put("id", 1);
        bad.put(nested.toString(), "store_id must be a string");
        bad.put(view("b-" + marker + "-5", "p-x", day.getEpochSecond(), "1").put("option", "red").toString(),
                "option must be an array");
        bad.put(view("b-" + marker + "-6", "p-x", 99_999_999_999_999L, "1").toString(), "time_stamp '99999999999999' is out of range");
        bad.put("{\"id\":\"b-" + marker + "-7\",", "malformed JSON");
        // valid JSON the bridge forwards, but an integer beyond 64 bits has no BSON type: the store refuses it alone
        String unstorable = "u-" + marker + "-1";
        ObjectNode huge = view(unstorable, "p-x", day.getEpochSecond(), "1");
        huge.putArray("option").add(new java.math.BigInteger("123456789012345678901234567890"));

        List<Map.Entry<String, String>> records = new ArrayList<>();
        good.values().forEach(v -> records.add(Map.entry(v.path("product_id").asText(), v.toString())));
        bad.keySet().forEach(v -> records.add(Map.entry("bad", v)));
        records.add(Map.entry("bad", huge.toString()));
        // ten views twice, as a redelivering upstream would
        good.values().stream().limit(10).forEach(v -> records.add(Map.entry(v.path("product_id").asText(), v.toString())));
        sendToRemote(records);

        MongoCollection<Document> views = storedViews();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> views.countDocuments(Filters.eq("device_id", "device-" + marker)) >= good.size());
        Map<String, Document> stored = new HashMap<>();
        views.find(Filters.eq("device_id", "device-" + marker)).forEach(d -> stored.put(d.getString("_id"), d));
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(good.keySet());
        good.forEach((id, v) -> {
            Document d = stored.get(id);
            assertThat(d.get("store_id")).as(id).isEqualTo(v.path("store_id").asText());
            assertThat(d.get("product_id")).isEqualTo(v.path("product_id").asText());
            assertThat(d.get("time_stamp", Number.class).longValue()).isEqualTo(v.path("time_stamp").asLong());
            assertThat(d.getString("view_date")).isEqualTo(
                    LocalDate.ofInstant(Instant.ofEpochSecond(v.path("time_stamp").asLong()), ZoneOffset.UTC).toString());
        });

        Map<String, TopicRecords.DeadLetter> letters = TopicRecords.deadLetters(app.property("kafka.brokers"),
                "product_views", bad.keySet(), Duration.ofSeconds(60));
        bad.forEach((value, reason) -> {
            assertThat(letters.get(value).reason()).as(value).contains(reason);
            assertThat(letters.get(value).route()).isEqualTo("product-views-bridge");
        });
        List<TopicRecords.DeadLetter> refused = TopicRecords.deadLettersContaining(app.property("kafka.brokers"),
                app.property("product-views.topic"), unstorable, 1, Duration.ofSeconds(60));
        assertThat(refused.get(0).reason()).contains("cannot be written as BSON");
        assertThat(refused.get(0).route()).isEqualTo("product-views-to-mongodb");
        assertThat(views.countDocuments(Filters.eq("_id", unstorable))).isZero();
        System.out.printf("product-views: %d views (+10 sent twice) through the SASL bridge, %d documents, %d bad ones"
                + " each in product_views.dlq with its field named, 1 the store cannot write in %s.dlq%n", good.size(),
                stored.size(), bad.size(), app.property("product-views.topic"));
    }

    @Test
    void theDailyReportsEqualACountOfTheInputAndARerunChangesNothing() throws Exception {
        String date = "2021-05-10";
        Instant start = Instant.parse(date + "T00:00:00Z");
        java.util.Random r = new java.util.Random(7);
        String[] referrers = {"https://www.google.com/", "https://www.bing.com/", null};
        List<ObjectNode> input = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ObjectNode v = view("r-" + marker + "-" + i, "rp-" + marker + "-" + r.nextInt(6),
                    start.plusSeconds(r.nextInt(86_400)).getEpochSecond(), r.nextBoolean() ? Integer.valueOf(r.nextInt(3))
                            : String.valueOf(r.nextInt(3)));
            int device = r.nextInt(9);
            if (device == 0) {
                v.putNull("device_id");
            } else {
                v.put("device_id", "rd-" + marker + "-" + device);
            }
            String referrer = referrers[r.nextInt(referrers.length)];
            if (referrer == null) {
                v.putNull("referrer_url");
            } else {
                v.put("referrer_url", referrer);
            }
            input.add(v);
        }
        // the next day's views must not count
        input.add(view("r-" + marker + "-next", "rp-" + marker + "-0", start.plusSeconds(86_400 + 5).getEpochSecond(), "0"));
        List<Map.Entry<String, String>> records = new ArrayList<>();
        input.forEach(v -> records.add(Map.entry(v.path("product_id").asText(), v.toString())));
        sendToRemote(records);
        MongoCollection<Document> views = storedViews();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> views.countDocuments(Filters.regex("_id", "^r-" + marker)) == input.size());

        // the expected tables, counted here from the input of that date
        Map<String, List<Object>> products = new java.util.TreeMap<>();
        Map<String, List<Object>> stores = new java.util.TreeMap<>();
        Map<String, Long> byReferrer = new java.util.TreeMap<>();
        Map<String, java.util.Set<String>> productDevices = new HashMap<>();
        Map<String, java.util.Set<String>> storeDevices = new HashMap<>();
        Map<String, Long> productViews = new HashMap<>();
        Map<String, Long> storeViews = new HashMap<>();
        Map<String, Long> lastView = new HashMap<>();
        for (ObjectNode v : input) {
            long t = v.path("time_stamp").asLong();
            if (!LocalDate.ofInstant(Instant.ofEpochSecond(t), ZoneOffset.UTC).toString().equals(date)) {
                continue;
            }
            String p = v.path("product_id").asText();
            String st = v.path("store_id").asText();
            String device = v.path("device_id").isNull() ? null : v.path("device_id").asText();
            productViews.merge(p, 1L, Long::sum);
            storeViews.merge(st, 1L, Long::sum);
            lastView.merge(p, t, Math::max);
            productDevices.computeIfAbsent(p, k -> new java.util.HashSet<>());
            storeDevices.computeIfAbsent(st, k -> new java.util.HashSet<>());
            if (device != null) {
                productDevices.get(p).add(device);
                storeDevices.get(st).add(device);
            }
            if (!v.path("referrer_url").isNull()) {
                byReferrer.merge(v.path("referrer_url").asText(), 1L, Long::sum);
            }
        }
        productViews.forEach((p, n) -> products.put(p, List.of(n, (long) productDevices.get(p).size(),
                Instant.ofEpochSecond(lastView.get(p)).toString())));
        storeViews.forEach((st, n) -> stores.put(st, List.of(n, (long) storeDevices.get(st).size())));

        var run = app.post("/api/reports/product-views?date=" + date, "");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(JSON.readTree(run.body()).path("products").asInt()).isEqualTo(products.size());
        Map<String, Object> first = reportTables(date);
        assertThat(first.get("products")).isEqualTo(products);
        assertThat(first.get("stores")).isEqualTo(stores);
        assertThat(first.get("referrers")).isEqualTo(byReferrer);

        // the second run through JMX, as an operator would from Hawtio or JConsole
        Object again = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("org.apache.camel:context=camel-pipelines,type=services,name=ProductViewReports"),
                "runReport", new Object[]{date}, new String[]{String.class.getName()});
        assertThat(again.toString()).contains("report_date=" + date, "products=" + products.size());
        assertThat(reportTables(date)).isEqualTo(first);
        var nothing = app.post("/api/reports/product-views?date=1999-01-01", "");
        assertThat(JSON.readTree(nothing.body()).path("message").asText()).contains("nothing written");
        assertThat(app.post("/api/reports/product-views?date=yesterday", "").statusCode()).isEqualTo(400);
        System.out.printf("product-views report for %s: %d products, %d stores, %d referrers equal to the counts of the"
                + " input; a second run (JMX) changed nothing%n", date, products.size(), stores.size(), byReferrer.size());
    }

    @Test
    void viewsStoredLongerAgoThanTheRetentionAreDeletedAndTheOthersKept() {
        MongoCollection<Document> views = storedViews();
        Instant now = Instant.now();
        views.insertOne(new Document("_id", "old-" + marker).append("stored_at", java.util.Date.from(now.minus(Duration.ofDays(8)))));
        views.insertOne(new Document("_id", "new-" + marker).append("stored_at", java.util.Date.from(now.minus(Duration.ofDays(6)))));

        long deleted = app.bean("productViewRetention", ProductViewRetention.class).run();

        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(views.countDocuments(Filters.eq("_id", "old-" + marker))).isZero();
        assertThat(views.countDocuments(Filters.eq("_id", "new-" + marker))).isEqualTo(1);
    }

    @Test
    void aStoreBoundedByCountKeepsTheLatestStoredViews() {
        MongoCollection<Document> views = app.bean(SharedConnections.MONGO_CLIENT, MongoClient.class)
                .getDatabase("kafka_data_db").getCollection("bounded_" + marker);
        Instant now = Instant.now();
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // inserted newest first, so the order kept is by stored_at and not by insertion
            String id = "r-" + (7 - i);
            views.insertOne(new Document("_id", id).append("stored_at", java.util.Date.from(now.minusSeconds(i + 1))));
            stored.add(0, id);
        }

        long deleted = new ProductViewRetention(views, Duration.ZERO, 5).run();

        assertThat(deleted).isEqualTo(3);
        List<String> kept = new ArrayList<>();
        views.find().forEach(d -> kept.add(d.getString("_id")));
        assertThat(kept).containsExactlyInAnyOrderElementsOf(stored.subList(3, 8));
        assertThat(new ProductViewRetention(views, Duration.ZERO, 5).run()).isZero();
        views.drop();
    }

    @Test
    void anEmptyStoreIsRefilledWithTheLatestRecordsItsBoundKeepsOrTheWholeTopicWithoutOne() throws Exception {
        String brokers = app.property("kafka.brokers");
        String topic = "replay-" + marker;
        String group = "replay-" + marker;
        int[] perPartition = {7, 2};
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", brokers));
             var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of("bootstrap.servers", brokers),
                     new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            assertThat(EmptyStoreReplay.rewind(admin, group, topic, 6)).as("no topic yet: nothing to replay").isNull();
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 2, (short) 1))).all().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> consumedAll = new HashMap<>();
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < perPartition[partition]; i++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, partition, "k" + i, "v" + i)).get();
                }
                consumedAll.put(new org.apache.kafka.common.TopicPartition(topic, partition),
                        new org.apache.kafka.clients.consumer.OffsetAndMetadata(perPartition[partition]));
            }
            admin.alterConsumerGroupOffsets(group, consumedAll).all().get();

            EmptyStoreReplay.rewind(admin, group, topic, 6);

            // 6 records over 2 partitions: each partition from its latest 3, or its beginning when it holds fewer
            Map<Integer, Long> expected = Map.of(0, (long) Math.max(0, perPartition[0] - 3), 1, (long) Math.max(0, perPartition[1] - 3));
            Map<Integer, Long> from = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> from.put(tp.partition(), o.offset()));
            assertThat(from).isEqualTo(expected);

            EmptyStoreReplay.rewind(admin, group, topic, 0);

            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
                    .as("no bound: the group is forgotten and reads the topic from the beginning").isEmpty();
        }
    }

    /** Writes the records to the remote cluster's topic through its SASL listener, as upstream does. */
    private void sendToRemote(List<Map.Entry<String, String>> records) throws Exception {
        TopicRecords.send(app.property("product-views.remote.brokers"), app.property("product-views.remote.topic"), records,
                KafkaBroker.clientSecurity(app.property("product-views.remote.username"),
                        app.property("product-views.remote.password")));
    }

    private MongoCollection<Document> storedViews() {
        return app.bean(SharedConnections.MONGO_CLIENT, MongoClient.class)
                .getDatabase("kafka_data_db").getCollection("product_views_records");
    }

    /** The report tables of a date, read back through GET /api/reports/product-views, in the shape computed above. */
    private Map<String, Object> reportTables(String date) throws Exception {
        var r = app.get("/api/reports/product-views?date=" + date);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var json = JSON.readTree(r.body());
        Map<String, List<Object>> products = new java.util.TreeMap<>();
        json.path("products").forEach(p -> products.put(p.path("product_id").asText(), List.of(p.path("view_count").asLong(),
                p.path("unique_visitors").asLong(), p.path("last_view_time").asText())));
        Map<String, List<Object>> stores = new java.util.TreeMap<>();
        json.path("stores").forEach(st -> stores.put(st.path("store_id").asText(), List.of(st.path("view_count").asLong(),
                st.path("unique_visitors").asLong())));
        Map<String, Long> referrers = new java.util.TreeMap<>();
        json.path("referrers").forEach(x -> referrers.put(x.path("referrer_url").asText(), x.path("view_count").asLong()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("products", products);
        out.put("stores", stores);
        out.put("referrers", referrers);
        return out;
    }
}
