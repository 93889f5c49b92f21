package io.camelpipelines.foodorders;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.camelpipelines.common.KafkaClients;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes captured changes and the capture's position in one Kafka transaction, the way Kafka Connect's
 * exactly-once sources do (KIP-618): the records go to the topic, the position to a compacted position topic,
 * and a reader with {@code isolation.level=read_committed} sees both or neither. A crash between "published"
 * and "position stored" is therefore impossible: after a restart the capture resumes exactly after the last
 * committed record, neither losing nor repeating one.
 * <p>
 * Records are buffered until {@link #commit}: if Kafka refuses the commit (broker down, timeout) the transaction
 * is aborted and the same records are sent again in a new one, with backoff, until it succeeds. Only a fenced
 * producer (another instance took the capture over) is fatal. Records added {@linkplain #addUnretained unretained}
 * (a table's initial snapshot, too big to keep) cannot be sent again: a refused commit then loses the whole
 * transaction, {@link TransactionLostException}, and the publisher refuses everything until {@link #reset}.
 */
public class CapturePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CapturePublisher.class);

    private final String name;
    private final String topic;
    private final String positionTopic;
    private final String transactionalId;
    private final KafkaClients kafka;
    private final List<ProducerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private KafkaProducer<byte[], byte[]> producer;
    private final java.time.Duration transactionTimeout;
    private boolean inTransaction;
    private long unretained;
    private boolean lost;
    private volatile boolean closed;

    public CapturePublisher(String name, KafkaClients kafka, String topic, String positionTopic, String transactionalId,
                            java.time.Duration transactionTimeout) {
        this.transactionTimeout = transactionTimeout;
        this.name = name;
        this.topic = topic;
        this.positionTopic = positionTopic;
        this.transactionalId = transactionalId;
        this.kafka = kafka;
    }

    /** Records published in committed transactions since start. */
    public long published() {
        return published.get();
    }

    /** Adds a record to the open transaction (opened on demand); it becomes visible at the next commit. */
    public synchronized void add(String key, byte[] value) {
        send(key, value, true);
    }

    /**
     * Adds a record to the open transaction without keeping it to send again: if this transaction's commit is
     * refused, it is lost whole ({@link TransactionLostException}), and the caller must produce it again from its
     * source. For transactions too big to hold in memory, such as a table's initial snapshot.
     */
    public synchronized void addUnretained(String key, byte[] value) {
        send(key, value, false);
    }

    private void send(String key, byte[] value, boolean retain) {
        if (lost) {
            throw new TransactionLostException(name + ": the open transaction was lost; nothing is added until the"
                    + " capture restarts");
        }
        ensureProducer();
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key == null ? null : key.getBytes(
                java.nio.charset.StandardCharsets.UTF_8), value);
        if (retain) {
            pending.add(r);
        } else {
            unretained++;
        }
        try {
            begin();
            producer.send(r);
        } catch (ProducerFencedException e) {
            throw fenced(e);
        } catch (KafkaException e) {
            // the commit finds the transaction failed, aborts it and sends everything pending again
            LOG.debug("{}: send failed, the commit will retry: {}", name, e.getMessage());
        }
    }

    /**
     * Writes the positions (key to value, in the position topic) into the open transaction with the records added
     * since the last commit, and commits. Retries with backoff until Kafka accepts, resending the records.
     */
    public synchronized void commit(Map<String, byte[]> positions) {
        if (lost) {
            throw new TransactionLostException(name + ": the open transaction was lost; nothing is committed until the"
                    + " capture restarts");
        }
        ensureProducer();
        long backoff = 200;
        while (true) {
            try {
                begin();
                for (Map.Entry<String, byte[]> p : positions.entrySet()) {
                    producer.send(new ProducerRecord<>(positionTopic, p.getKey().getBytes(
                            java.nio.charset.StandardCharsets.UTF_8), p.getValue()));
                }
                producer.commitTransaction();
                inTransaction = false;
                published.addAndGet(pending.size() + unretained);
                pending.clear();
                unretained = 0;
                return;
            } catch (ProducerFencedException | AuthorizationException e) {
                throw fenced(e);
            } catch (KafkaException e) {
                abortQuietly();
                if (unretained > 0) {
                    lost = true;
                    throw new TransactionLostException(name + ": Kafka refused the capture transaction (" + e.getMessage()
                            + ") and its " + unretained + " unretained records cannot be sent again", e);
                }
                LOG.warn("{}: Kafka refused the capture transaction ({}); retrying {} records in {} ms", name,
                        e.getMessage(), pending.size(), backoff);
                if (closed) {
                    throw new IllegalStateException(name + ": closed with " + pending.size() + " records unpublished;"
                            + " they are captured again at the next start", e);
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
                try {
                    begin();
                    for (ProducerRecord<byte[], byte[]> r : pending) {
                        producer.send(r);
                    }
                } catch (ProducerFencedException fenced) {
                    throw fenced(fenced);
                } catch (KafkaException again) {
                    // the next round aborts and tries again
                }
            }
        }
    }

    /**
     * The committed positions, read from the position topic to its end: the last value of each key. The producer is
     * initialised first: that fences a previous instance (a killed one, say) and aborts the transaction it left open,
     * which would otherwise hold back what a read_committed reader can see.
     */
    public synchronized Map<String, byte[]> positions() {
        ensureProducer();
        Map<String, Object> c = kafka.config();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, name + "-position-" + UUID.randomUUID());
        Map<String, byte[]> positions = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(positionTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(positionTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        positions.remove(r.key());
                    } else {
                        positions.put(r.key(), r.value());
                    }
                }
            }
        }
        return positions;
    }

    private void begin() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    private void abortQuietly() {
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (KafkaException e) {
            // a producer in an unrecoverable state: start a new one, which aborts what the old one left open
            LOG.info("{}: replacing the capture producer after {}", name, e.getMessage());
            producer.close(Duration.ZERO);
            producer = null;
            ensureProducer();
        }
        inTransaction = false;
    }

    private RuntimeException fenced(KafkaException e) {
        closeProducer();
        return new IllegalStateException(name + ": another instance now runs this capture (transactional id "
                + transactionalId + "): " + e.getMessage(), e);
    }

    private void ensureProducer() {
        if (producer != null) {
            return;
        }
        ensureTopic();
        Map<String, Object> p = kafka.producerConfig(Map.of());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // an initial snapshot is one transaction: the coordinator must not abort it while the table is read
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // client telemetry's sender fails noisily when a producer closes during initTransactions (stop, interrupt)
        p.putIfAbsent(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        long backoff = 500;
        try {
            while (true) {
                try {
                    // fences any earlier producer with this id and aborts the transaction it left open
                    created.initTransactions();
                    producer = created;
                    return;
                } catch (KafkaException e) {
                    if (closed || e instanceof org.apache.kafka.common.errors.InterruptException
                            || Thread.currentThread().isInterrupted()) {
                        throw e;
                    }
                    LOG.warn("{}: cannot initialise the capture's Kafka transactions yet ({}); retrying in {} ms", name,
                            e.getMessage(), backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 10_000);
                }
            }
        } finally {
            if (producer != created) {
                created.close(Duration.ofSeconds(1));
            }
        }
    }

    private boolean topicChecked;

    private synchronized void ensureTopic() {
        if (topicChecked) {
            return;
        }
        Properties a = new Properties();
        a.putAll(kafka.config());
        try (Admin admin = Admin.create(a)) {
            NewTopic t = new NewTopic(positionTopic, 1, (short) -1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the capture position topic " + positionTopic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the capture position topic " + positionTopic + ": "
                    + e.getMessage(), e);
        }
        topicChecked = true;
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    /** Drops what is not committed (it is captured again at the next start) and closes the producer. */
    public synchronized void reset() {
        abortQuietly();
        pending.clear();
        unretained = 0;
        lost = false;
    }

    /** A transaction whose records were not kept is gone: its records must be produced again from the source. */
    public static final class TransactionLostException extends IllegalStateException {
        TransactionLostException(String message) {
            super(message);
        }

        TransactionLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
            inTransaction = false;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            pending.clear();
            closeProducer();
        }
    }
}
