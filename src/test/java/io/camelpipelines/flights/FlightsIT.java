package io.camelpipelines.flights;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.SqlCount;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.common.SharedConnections;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * flights through the real broker, PostgreSQL and Elasticsearch: observations sent out of order and partly twice
 * leave each observation once in flight_prices and, per flight, the latest and lowest price in the index as this
 * test computes them; bad records go to flight-data.dlq naming the field; the search and history APIs answer from
 * those stores; the console consumer logs the seed's line.
 */
class FlightsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");
    private final RunningApplication app = RunningApplication.get();
    private final String marker = UUID.randomUUID().toString().substring(0, 8);
    private final Random random = new Random();

    /** A flight number of this run: a carrier code no source uses (digit + letter) and four random digits. */
    private String flightNumber(int i) {
        return (char) ('0' + i) + "Z" + (1000 + random.nextInt(9000));
    }

    private ObjectNode observation(String flight, Instant departure, String price, Instant scrapedAt, String site) {
        ObjectNode n = JSON.createObjectNode();
        n.put("flight_number", flight);
        n.put("airline", "Test Air " + marker);
        n.put("source", "Port Blair");
        n.put("destination", "Srinagar");
        n.put("origin_code", "IXZ");
        n.put("destination_code", "SXR");
        n.put("price", new BigDecimal(price));
        n.put("currency", "INR");
        n.put("departure_time", departure.toString());
        n.put("scraped_at", scrapedAt.toString());
        n.put("source_site", site);
        return n;
    }

    @Test
    void observationsOutOfOrderAndRedeliveredLeaveEachRowOnceAndTheLatestAndLowestFareInTheIndex() throws Exception {
        Logger console = (Logger) LoggerFactory.getLogger("flights.console");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        console.addAppender(lines);

        // days of its own: the outage test's flights are on the same route, 230 to 429 days ahead
        LocalDate day = LocalDate.now(INDIA).plusDays(20 + random.nextInt(200));
        Instant seen = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(6));
        List<ObjectNode> observations = new ArrayList<>();
        Map<String, Instant> departures = new LinkedHashMap<>();
        for (int f = 0; f < 5; f++) {
            String flight = flightNumber(f);
            Instant departure = day.atTime(6 + f * 3, 15).atZone(INDIA).toInstant();
            departures.put(flight, departure);
            for (int k = 0; k < 4; k++) {
                // two sites, prices that go down and up again, one tie for the lowest
                String price = String.valueOf(new int[] {5200, 4100, 4100, 4700}[k] + f * 100) + ".00";
                observations.add(observation(flight, departure, price, seen.plus(Duration.ofMinutes(10L * k + f)),
                        k % 2 == 0 ? "simulator" : "skyfares"));
            }
        }
        // out of order, and a third of them delivered twice
        List<ObjectNode> sent = new ArrayList<>(observations);
        Collections.shuffle(sent, random);
        sent.addAll(sent.subList(0, sent.size() / 3));
        Collections.shuffle(sent, random);
        List<Map.Entry<String, String>> records = new ArrayList<>();
        sent.forEach(o -> records.add(Map.entry(o.path("flight_number").asText(), o.toString())));
        // bad records: each must reach the DLQ naming its field, and stop nothing
        ObjectNode badNumber = observation("AIRX" + marker.substring(0, 2), departures.values().iterator().next(),
                "4500.00", seen, "simulator");
        ObjectNode badPrice = observation(flightNumber(7), departures.values().iterator().next(), "-1.00", seen, "simulator");
        ObjectNode departed = observation(flightNumber(8), seen.minus(Duration.ofHours(1)), "4500.00", seen, "simulator");
        for (ObjectNode bad : List.of(badNumber, badPrice, departed)) {
            bad.put("airline", "Bad Air " + marker);
            records.add(Map.entry("bad", bad.toString()));
        }
        records.add(Map.entry("bad", "{\"flight_number\": \"AI1\", \"airline\": \"Bad Air " + marker + "\""));
        TopicRecords.send(app.property("kafka.brokers"), app.property("flights.topic"), records);

        // expectations, computed here from the observations
        Map<String, double[]> expected = new HashMap<>();     // latest price, lowest price
        Map<String, String> lowestSeen = new HashMap<>();
        for (String flight : departures.keySet()) {
            List<ObjectNode> of = observations.stream().filter(o -> o.path("flight_number").asText().equals(flight)).toList();
            ObjectNode latest = of.stream().max((a, b) -> a.path("scraped_at").asText().compareTo(b.path("scraped_at").asText())).orElseThrow();
            ObjectNode lowest = of.stream().min((a, b) -> {
                int c = a.path("price").decimalValue().compareTo(b.path("price").decimalValue());
                return c != 0 ? c : a.path("scraped_at").asText().compareTo(b.path("scraped_at").asText());
            }).orElseThrow();
            expected.put(flight, new double[] {latest.path("price").asDouble(), lowest.path("price").asDouble()});
            lowestSeen.put(flight, lowest.path("scraped_at").asText());
        }

        DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> rows(db, "Test Air " + marker) == observations.size());
        assertThat(distinctRows(db, "Test Air " + marker)).isEqualTo(observations.size());

        ElasticsearchClient es = app.bean(SharedConnections.ES_CLIENT, ElasticsearchClient.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            es.indices().refresh(r -> r.index(app.property("flights.index")));
            return search("Port Blair", "SXR", day).path("flights").size() >= departures.size();
        });
        JsonNode found = search("Port Blair", "SXR", day);
        Map<String, JsonNode> docs = new HashMap<>();
        found.path("flights").forEach(d -> docs.put(d.path("flight_number").asText(), d));
        assertThat(docs.keySet()).containsAll(departures.keySet());
        double previous = 0;
        for (JsonNode d : found.path("flights")) {
            assertThat(d.path("latest_price").asDouble()).as("sorted by price").isGreaterThanOrEqualTo(previous);
            previous = d.path("latest_price").asDouble();
        }
        departures.forEach((flight, departure) -> {
            JsonNode d = docs.get(flight);
            assertThat(d.path("latest_price").asDouble()).as(flight + " latest").isEqualTo(expected.get(flight)[0]);
            assertThat(d.path("lowest_price").asDouble()).as(flight + " lowest").isEqualTo(expected.get(flight)[1]);
            assertThat(Instant.parse(d.path("lowest_seen_at").asText())).as(flight + " lowest seen")
                    .isEqualTo(Instant.parse(lowestSeen.get(flight)));
            assertThat(Instant.parse(d.path("departure_time").asText())).isEqualTo(departure);
            assertThat(d.path("source").asText()).isEqualTo("Port Blair");
        });
        // the same flights by IATA codes and by city names, soonest first
        JsonNode byCity = search("IXZ", "Srinagar", day, "departure");
        assertThat(byCity.path("flights").get(0).path("departure_time").asText())
                .isEqualTo(departures.values().stream().min(Instant::compareTo).orElseThrow().toString());

        String one = departures.keySet().iterator().next();
        JsonNode history = JSON.readTree(app.get("/api/flights/" + one + "/history").body());
        assertThat(history.path("count").asInt()).isEqualTo(4);
        List<String> times = new ArrayList<>();
        history.path("observations").forEach(o -> times.add(o.path("scraped_at").asText()));
        assertThat(times).isSorted();

        var dead = TopicRecords.deadLettersContaining(app.property("kafka.brokers"), app.property("flights.topic"),
                "Bad Air " + marker, 4, Duration.ofSeconds(60));
        assertThat(dead).hasSize(4);
        assertThat(dead).extracting(d -> d.reason()).anyMatch(r -> r.contains("flight_number"))
                .anyMatch(r -> r.contains("price")).anyMatch(r -> r.contains("departure_time"))
                .anyMatch(r -> r.contains("malformed JSON"));

        List<String> expectedLines = observations.stream().filter(o -> o.path("flight_number").asText().equals(one))
                .map(o -> "Received: " + one + ": Port Blair → Srinagar " + o.path("price").decimalValue()
                        .setScale(2, java.math.RoundingMode.HALF_UP).toPlainString() + " INR").toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(lines.list).stream()
                .filter(e -> e.getFormattedMessage().startsWith("Received: " + one + ":")).count() >= 4);
        assertThat(List.copyOf(lines.list).stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("Received: " + one + ":")).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(expectedLines.stream().distinct().toList());
        console.detachAppender(lines);

        // the whole topic again from its beginning: nothing changes
        Map<String, JsonNode> before = docs;
        long rowsBefore = rows(db, "Test Air " + marker);
        replayFromTheBeginning();
        assertThat(rows(db, "Test Air " + marker)).isEqualTo(rowsBefore);
        es.indices().refresh(r -> r.index(app.property("flights.index")));
        JsonNode again = search("Port Blair", "SXR", day);
        Map<String, JsonNode> after = new HashMap<>();
        again.path("flights").forEach(d -> after.put(d.path("flight_number").asText(), d));
        assertThat(after).isEqualTo(before);

        // the index deleted while the sink is stopped, and rebuilt from the topic: the same documents, with their
        // mapping (the search by date needs the keyword departure_date), though the sink remembers them all
        replayFromTheBeginning(() -> es.indices().delete(d -> d.index(app.property("flights.index"))));
        es.indices().refresh(r -> r.index(app.property("flights.index")));
        Map<String, JsonNode> rebuilt = new HashMap<>();
        search("Port Blair", "SXR", day).path("flights").forEach(d -> rebuilt.put(d.path("flight_number").asText(), d));
        assertThat(rebuilt).isEqualTo(before);
        assertThat(es.indices().getMapping(m -> m.index(app.property("flights.index"))).get(app.property("flights.index"))
                .mappings().properties().get("departure_date").isKeyword()).isTrue();

        // deleted while the sink runs, and then a flight the sink never saw (read first, from an index that is gone):
        // the index is made again with its mapping and the flight is in it
        es.indices().delete(d -> d.index(app.property("flights.index")));
        String unseen = flightNumber(6);
        Instant unseenDeparture = day.atTime(22, 10).atZone(INDIA).toInstant();
        TopicRecords.send(app.property("kafka.brokers"), app.property("flights.topic"), List.of(Map.entry(unseen,
                observation(unseen, unseenDeparture, "6100.00", seen, "simulator").toString())));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                es.get(g -> g.index(app.property("flights.index")).id(unseen + "|" + unseenDeparture), Map.class).found());
        assertThat(es.indices().getMapping(m -> m.index(app.property("flights.index"))).get(app.property("flights.index"))
                .mappings().properties().get("departure_date").isKeyword()).isTrue();

        assertThat(app.get("/api/flights?to=BOM").statusCode()).isEqualTo(400);
        assertThat(app.get("/api/flights?from=DEL&to=BOM&date=tomorrow").statusCode()).isEqualTo(400);
        assertThat(app.get("/api/flights/NOT-A-FLIGHT/history").statusCode()).isEqualTo(400);
        System.out.printf("flights: %d observations sent %d times out of order -> %d rows, %d index documents with the "
                + "latest and lowest fare as computed; 4 dead letters%n", observations.size(), sent.size(),
                rows(db, "Test Air " + marker), docs.size());
    }

    @Test
    void aBatchWaitingForTheIndexIsCountedOutOnceWhenBothStoresHoldIt() throws Exception {
        Logger failures = (Logger) LoggerFactory.getLogger(io.camelpipelines.common.BatchFailureLog.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        failures.addAppender(warnings);
        io.camelpipelines.infra.EmbeddedService elasticsearch = app.infrastructure().service("elasticsearch");
        // what earlier tests sent is counted before this one starts counting
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", app.property("kafka.brokers")))) {
            awaitCaughtUp(admin);
        }
        double before = app.metric("flights", io.camelpipelines.common.PipelineMetrics.Kind.OUT);
        // not a day the other test's flights on this route may have (20 to 219 days ahead): its search counts them all
        LocalDate day = LocalDate.now(INDIA).plusDays(230 + random.nextInt(200));
        Instant seen = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(2));
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int f = 0; f < 6; f++) {
            String flight = flightNumber(f);
            for (int k = 0; k < 5; k++) {
                records.add(Map.entry(flight, observation(flight, day.atTime(5 + f * 2, 40).atZone(INDIA).toInstant(),
                        (3000 + 10 * k) + ".00", seen.plus(Duration.ofMinutes(k)), "simulator").toString()));
            }
        }
        DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        elasticsearch.close();
        try {
            TopicRecords.send(app.property("kafka.brokers"), app.property("flights.topic"), records);
            // the history holds the batch, the index cannot take it: retried, and not counted out
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rows(db, "Test Air " + marker) == records.size() && List.copyOf(warnings.list).stream()
                            .anyMatch(e -> e.getFormattedMessage().startsWith("flights-to-stores: batch")));
            assertThat(app.metric("flights", io.camelpipelines.common.PipelineMetrics.Kind.OUT) - before).isZero();
        } finally {
            elasticsearch.start();
            failures.detachAppender(warnings);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                app.metric("flights", io.camelpipelines.common.PipelineMetrics.Kind.OUT) - before >= records.size());
        ElasticsearchClient es = app.bean(SharedConnections.ES_CLIENT, ElasticsearchClient.class);
        es.indices().refresh(r -> r.index(app.property("flights.index")));
        assertThat(search("Port Blair", "SXR", day).path("flights").size()).isEqualTo(6);
        // each attempt wrote the history again (changing nothing); the batch is counted once
        assertThat(app.metric("flights", io.camelpipelines.common.PipelineMetrics.Kind.OUT) - before)
                .isEqualTo(records.size());
        assertThat(distinctRows(db, "Test Air " + marker)).isEqualTo(records.size());
    }

    /**
     * The sink folds into the documents it wrote without reading them back; a document someone else changed since
     * must be read again and folded into, not overwritten with what the sink remembers.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aDocumentChangedBehindTheSinksBackIsReadAgainNotOverwritten() throws Exception {
        ElasticsearchClient es = app.bean(SharedConnections.ES_CLIENT, ElasticsearchClient.class);
        String index = app.property("flights.index");
        String flight = flightNumber(9);
        // days of its own, after the outage test's (230 to 429 days ahead)
        Instant departure = LocalDate.now(INDIA).plusDays(440 + random.nextInt(100)).atTime(9, 5).atZone(INDIA).toInstant();
        String id = flight + "|" + departure;
        Instant seen = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(3));
        TopicRecords.send(app.property("kafka.brokers"), app.property("flights.topic"),
                List.of(Map.entry(flight, observation(flight, departure, "5000.00", seen, "simulator").toString())));
        // the index may not exist until this first document reaches it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                es.get(g -> g.index(index).id(id), Map.class).found());

        // an operator's correction: a lower fare seen earlier, from a site the sink never heard of
        Map<String, Object> corrected = new LinkedHashMap<>(es.get(g -> g.index(index).id(id), Map.class).source());
        corrected.put("lowest_price", 1234.0);
        corrected.put("lowest_seen_at", seen.minus(Duration.ofHours(1)).toString());
        corrected.put("lowest_source_site", "operator");
        es.index(i -> i.index(index).id(id).document(corrected));

        // a newer observation, lower than what the sink last wrote but not than the correction (from the simulator:
        // the pages test counts the rows of the fare sites)
        TopicRecords.send(app.property("kafka.brokers"), app.property("flights.topic"), List.of(Map.entry(flight,
                observation(flight, departure, "4000.00", seen.plus(Duration.ofMinutes(5)), "simulator").toString())));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                ((Number) es.get(g -> g.index(index).id(id), Map.class).source().get("latest_price")).doubleValue() == 4000.0);
        Map<String, Object> stored = es.get(g -> g.index(index).id(id), Map.class).source();
        assertThat(stored).containsEntry("lowest_price", 1234.0).containsEntry("lowest_source_site", "operator")
                .containsEntry("latest_seen_at", seen.plus(Duration.ofMinutes(5)).toString())
                .containsEntry("first_seen_at", seen.toString());
    }

    @Test
    void theOffersApiAndTheFarePagesArePolledIntoBothStoresAndTheirFaultsAreHandled() throws Exception {
        FlightOffersFixture api = app.bean("flightOffersFixture", FlightOffersFixture.class);
        FlightPagesFixture pages = app.bean("flightPagesFixture", FlightPagesFixture.class);
        FlightOffersClient client = app.bean("flightOffersSource", FlightOffersSource.class).client();
        FlightPageScraper scraper = app.bean("flightPagesSource", FlightPagesSource.class).scraper();
        DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        // malformed offers and bad table rows along the way; then a token that expires and a rate limit
        api.includeMalformedOffer(true);
        pages.includeBadRow(true);

        // what the fare site shows, read here from its pages' model: every (flight, departure) of its 3 pages
        java.util.Set<String> shown = shown(pages, FlightPagesFixture.SKYFARES);
        java.util.Set<String> cards = shown(pages, FlightPagesFixture.FARECARDS);
        app.context().getRouteController().startRoute("flights-source-api");
        app.context().getRouteController().startRoute("flights-source-pages");
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    keys(db, "skyfares").containsAll(shown) && keys(db, "farecards").containsAll(cards)
                            && !keys(db, "offers-api").isEmpty());
            long renewals = client.tokenRenewals();
            long retries = client.retries();
            api.expireTokens();
            api.failNext(1, 429, 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> client.tokenRenewals() > renewals && client.retries() > retries);
        } finally {
            app.context().getRouteController().stopRoute("flights-source-api");
            app.context().getRouteController().stopRoute("flights-source-pages");
            api.includeMalformedOffer(false);
            pages.includeBadRow(false);
        }
        // exactly the flights the pages show (the bad rows and the private pages are not among them)
        assertThat(keys(db, "skyfares")).isEqualTo(shown);
        assertThat(keys(db, "farecards")).isEqualTo(cards);
        // the API's flights are on the configured routes, with the cities of the airport table
        for (String route : routes(db, "offers-api")) {
            assertThat(route).isIn("Delhi-Mumbai", "Mumbai-Delhi", "Bengaluru-Delhi", "Delhi-Goa", "Chennai-Kolkata");
        }
        // the malformed offers and the bad rows, dead-lettered with reasons naming the field
        List<TopicRecords.DeadLetter> offers = deadLetters(d -> d.reason().startsWith("offer ") && d.reason().contains("price.total"));
        List<TopicRecords.DeadLetter> rows = deadLetters(d -> d.reason().startsWith("skyfares row ") && d.reason().contains("price"));
        assertThat(offers.get(0).value()).contains("flight-offer");
        assertThat(rows.get(0).value()).contains("<td");
        long apiRejects = offers.size();
        long pageRejects = rows.size();
        assertThat(pages.requestedPaths()).as("robots.txt read, its private pages not").contains("/robots.txt")
                .noneMatch(path -> path.contains("/private/"));
        assertThat(scraper.robotsSkips().get()).as("links robots.txt disallows").isPositive();
        assertThat(pages.userAgents()).contains(app.property("flights.pages.user-agent"));

        // the site changes its layout: one WARN, a metric, and the other source goes on
        long misses = scraper.layoutMisses().get();
        pages.changeLayout(FlightPagesFixture.SKYFARES, true);
        try {
            app.context().getRouteController().startRoute("flights-source-pages");
            await().atMost(Duration.ofSeconds(60)).until(() -> scraper.layoutMisses().get() > misses);
        } finally {
            app.context().getRouteController().stopRoute("flights-source-pages");
            pages.changeLayout(FlightPagesFixture.SKYFARES, false);
        }
        assertThat(app.get("/observe/metrics").body()).contains("pipeline_flights_pages_layout_misses");
        System.out.printf("flights sources: %d (flight, departure) pairs of skyfares stored, %d API flights, %d + %d "
                + "dead letters, token renewed, 429 retried, layout change seen%n", shown.size(),
                keys(db, "offers-api").size(), apiRejects, pageRejects);
    }

    private List<TopicRecords.DeadLetter> deadLetters(java.util.function.Predicate<TopicRecords.DeadLetter> match) {
        return TopicRecords.deadLettersWhere(app.property("kafka.brokers"), app.property("flights.topic"),
                d -> d.reason() != null && match.test(d), 1, Duration.ofSeconds(30));
    }

    /** Every (flight, departure) a fare site's pages show, read from the site's own model. */
    private java.util.Set<String> shown(FlightPagesFixture pages, String site) {
        java.util.Set<String> shown = new java.util.TreeSet<>();
        for (int page = 1; page <= Integer.parseInt(app.property("flights.fixtures.pages")); page++) {
            pages.fares(site, page).forEach(f -> shown.add(f.flightNumber().replace(" ", "") + "|" + f.departure().toInstant()));
        }
        return shown;
    }

    private static java.util.Set<String> keys(DataSource db, String site) throws Exception {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT flight_number, departure_time FROM flight_prices WHERE source_site = ?")) {
            ps.setString(1, site);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1) + "|" + rs.getTimestamp(2).toInstant());
                }
            }
        }
        return keys;
    }

    private static java.util.Set<String> routes(DataSource db, String site) throws Exception {
        java.util.Set<String> routes = new java.util.TreeSet<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT source || '-' || destination FROM flight_prices WHERE source_site = ?")) {
            ps.setString(1, site);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    routes.add(rs.getString(1));
                }
            }
        }
        return routes;
    }

    /** Stops the sink, moves its consumer group to the start of flight-data, and waits until it has read it all again. */
    private void replayFromTheBeginning() throws Exception {
        replayFromTheBeginning(() -> { });
    }

    private interface WhileStopped {
        void run() throws Exception;
    }

    private void replayFromTheBeginning(WhileStopped whileStopped) throws Exception {
        String group = app.property("flights.sink.group");
        String topic = app.property("flights.topic");
        app.context().getRouteController().stopRoute("flights-to-stores");
        whileStopped.run();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", app.property("kafka.brokers")))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> all = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().forEach(p ->
                    all.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.earliest()));
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> start = new HashMap<>();
            admin.listOffsets(all).all().get().forEach((tp, o) -> start.put(tp,
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(o.offset())));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                admin.alterConsumerGroupOffsets(group, start).all().get();
                return true;
            });
            app.context().getRouteController().startRoute("flights-to-stores");
            awaitCaughtUp(admin);
        }
    }

    /** Waits until the sink has committed every record flight-data holds now. */
    private void awaitCaughtUp(org.apache.kafka.clients.admin.Admin admin) throws Exception {
        String group = app.property("flights.sink.group");
        String topic = app.property("flights.topic");
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> all = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().forEach(p ->
                all.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
        Map<org.apache.kafka.common.TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(all).all().get().forEach((tp, o) -> end.put(tp, o.offset()));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue());
        });
    }

    private JsonNode search(String from, String to, LocalDate day) throws Exception {
        return search(from, to, day, "price");
    }

    private JsonNode search(String from, String to, LocalDate day, String sort) throws Exception {
        var r = app.get("/api/flights?from=" + java.net.URLEncoder.encode(from, java.nio.charset.StandardCharsets.UTF_8)
                + "&to=" + java.net.URLEncoder.encode(to, java.nio.charset.StandardCharsets.UTF_8) + "&date=" + day
                + "&sort=" + sort);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static long rows(DataSource db, String airline) throws Exception {
        return SqlCount.of(db, "SELECT count(*) FROM flight_prices WHERE airline = ?", airline);
    }

    private static long distinctRows(DataSource db, String airline) throws Exception {
        return SqlCount.of(db, "SELECT count(DISTINCT (flight_number, departure_time, source_site, scraped_at)) FROM flight_prices"
                + " WHERE airline = ?", airline);
    }
}
