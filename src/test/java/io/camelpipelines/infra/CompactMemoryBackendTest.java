package io.camelpipelines.infra;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CompactMemoryBackendTest {

    @Test
    void documentsReadBackAsWrittenAndAnUpdateChangesOnlyTheDocumentItNames() {
        MongoServer server = new MongoServer(new CompactMemoryBackend());
        server.bind("127.0.0.1", 0);
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
            MongoCollection<org.bson.Document> views = client.getDatabase("it").getCollection("views");
            List<org.bson.Document> written = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                written.add(new org.bson.Document("_id", "view-" + i)
                        .append("store_id", String.valueOf(i % 3))
                        .append("user_agent", "Mozilla/5.0 (X11; Linux x86_64)")
                        .append("time_stamp", 1_700_000_000L + i)
                        .append("referrer_url", null)
                        .append("option", List.of(new org.bson.Document("option_label", "size")
                                .append("option_id", String.valueOf(i % 2))))
                        .append("device", new org.bson.Document("resolution", "375x667").append("tags", List.of("a", "b"))));
            }
            views.insertMany(written);

            assertThat(views.find().sort(new org.bson.Document("time_stamp", 1)).into(new ArrayList<>())).isEqualTo(written);
            // the nested document and list of one view are its own, though its strings are shared with the others
            views.updateOne(Filters.eq("_id", "view-7"), Updates.combine(Updates.set("device.resolution", "1920x1080"),
                    Updates.push("option", new org.bson.Document("option_label", "colour"))));
            org.bson.Document seventh = views.find(Filters.eq("_id", "view-7")).first();
            assertThat(seventh.get("device", org.bson.Document.class).getString("resolution")).isEqualTo("1920x1080");
            assertThat(seventh.getList("option", org.bson.Document.class)).hasSize(2);
            assertThat(views.countDocuments(Filters.eq("device.resolution", "375x667"))).isEqualTo(49);
            assertThat(views.countDocuments(Filters.size("option", 1))).isEqualTo(49);
            assertThat(views.countDocuments(Filters.eq("store_id", "1"))).isEqualTo(17);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void repeatedNamesAndTextsAreOneInstanceNestedContainersAreCopies() {
        CompactMemoryBackend.SharedStrings strings = new CompactMemoryBackend.SharedStrings();
        Document first = strings.copy(view("view-1"));
        Document second = strings.copy(view("view-2"));

        assertThat(second).isEqualTo(view("view-2"));
        assertThat(second.get("user_agent")).isSameAs(first.get("user_agent"));
        assertThat(second.keySet().iterator().next()).isSameAs(first.keySet().iterator().next());
        Document firstDevice = (Document) first.get("device");
        Document secondDevice = (Document) second.get("device");
        assertThat(secondDevice).isNotSameAs(firstDevice);
        assertThat(secondDevice.get("resolution")).isSameAs(firstDevice.get("resolution"));
        assertThat(second.get("option")).isNotSameAs(first.get("option"));
    }

    @Test
    void aFieldWhoseValuesRarelyRepeatIsLeftAsItIsOnceItHadTooManyDistinctOnes() {
        CompactMemoryBackend.SharedStrings strings = new CompactMemoryBackend.SharedStrings();
        int distinct = CompactMemoryBackend.SharedStrings.MAX_DISTINCT_VALUES + 1;
        for (int i = 0; i < distinct; i++) {
            strings.copy(new Document("ip", "10.0." + i / 256 + "." + i % 256).append("store_id", "7"));
        }
        String ip = new String("10.0.0.1".toCharArray());
        Document later = strings.copy(new Document("ip", ip).append("store_id", new String("7".toCharArray())));
        Document earlier = strings.copy(new Document("ip", "10.0.0.1").append("store_id", "7"));

        assertThat(later.get("ip")).isSameAs(ip);
        assertThat(earlier.get("store_id")).isSameAs(later.get("store_id"));
        assertThat(strings.fieldsWithSharedValues()).containsOnly("store_id");
    }

    private static Document view(String id) {
        // new strings each time, as the server decodes each inserted document into strings of its own
        Document device = new Document(new String("resolution".toCharArray()), new String("375x667".toCharArray()));
        return new Document().append(new String("_id".toCharArray()), id)
                .append(new String("user_agent".toCharArray()), new String("Mozilla/5.0".toCharArray()))
                .append("device", device)
                .append("option", new ArrayList<>(List.of(new Document("option_label", "size"))));
    }
}
