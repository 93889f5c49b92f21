package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.camelpipelines.infra.Settings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, at start, the topics of {@code kafka.topics} (and each one's {@code .dlq}) that the cluster does not have,
 * with the partitions, replication factor and min.insync.replicas of the configuration
 * ({@code kafka.topics.*}, or {@code kafka.topic.<name>.*} for one topic), before any producer can create one with
 * the broker's defaults. An existing topic is left as it is: adding partitions would move keys to other partitions
 * and break their order, so a difference is a warning for the operator.
 */
public final class KafkaTopics {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    /** One topic as the configuration wants it. */
    public record Wanted(String name, int partitions, short replicationFactor, int minInsyncReplicas) {
    }

    private KafkaTopics() {
    }

    public static List<Wanted> wanted(Settings s) {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(s.get("kafka.topics", "").split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .forEach(t -> {
                    names.add(t);
                    names.add(t + ".dlq");
                });
        List<Wanted> out = new ArrayList<>();
        for (String name : names) {
            String base = name.endsWith(".dlq") ? name.substring(0, name.length() - 4) : name;
            out.add(new Wanted(name,
                    s.getInt("kafka.topic." + name + ".partitions",
                            s.getInt("kafka.topic." + base + ".partitions", s.getInt("kafka.topics.partitions", 4))),
                    (short) s.getInt("kafka.topic." + base + ".replication-factor",
                            s.getInt("kafka.topics.replication-factor", 1)),
                    s.getInt("kafka.topics.min-insync-replicas", 1)));
        }
        return out;
    }

    /** Creates what is missing; a cluster that does not answer is a warning (producers retry, topics come later). */
    public static void ensure(KafkaClients kafka, List<Wanted> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(kafka.config(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.CLIENT_ID_CONFIG, "camel-pipelines-topics")))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(w -> !existing.contains(w.name()))
                    .map(w -> new NewTopic(w.name(), w.partitions(), w.replicationFactor())
                            .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(w.minInsyncReplicas()))))
                    .toList();
            for (var created : admin.createTopics(missing).values().entrySet()) {
                try {
                    created.getValue().get(30, TimeUnit.SECONDS);
                    Wanted w = wanted.stream().filter(x -> x.name().equals(created.getKey())).findFirst().orElseThrow();
                    LOG.info("Created topic {}: {} partitions, replication factor {}, min.insync.replicas {}", w.name(),
                            w.partitions(), w.replicationFactor(), w.minInsyncReplicas());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.error("Cannot create topic {}: {} (check kafka.topics.replication-factor against the"
                                + " cluster's broker count)", created.getKey(), e.getCause().getMessage());
                    }
                }
            }
            List<String> present = wanted.stream().map(Wanted::name).filter(existing::contains).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                for (Wanted w : wanted) {
                    TopicDescription d = described.get(w.name());
                    if (d == null) {
                        continue;
                    }
                    int replicas = d.partitions().get(0).replicas().size();
                    if (d.partitions().size() != w.partitions() || replicas != w.replicationFactor()) {
                        LOG.warn("Topic {} has {} partitions and replication factor {}; the configuration says {} and {}:"
                                        + " left as it is (more partitions would reorder keys; change it with kafka-topics"
                                        + " / kafka-reassign-partitions)", w.name(), d.partitions().size(), replicas,
                                w.partitions(), w.replicationFactor());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Could not check the pipelines' topics on {} at start ({}); they will be created with the"
                    + " brokers' defaults if a producer gets there first", kafka.brokers(), e.getMessage());
        }
    }
}
