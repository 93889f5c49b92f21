package io.camelpipelines.foodorders;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offsets, kept in the capture's position topic and written in the same Kafka transaction as the
 * changes they cover. Debezium flushes its offsets every {@code offset.flush.interval.ms}; each flush commits the
 * open capture transaction, so the stored offsets can never run ahead of the published changes, and the published
 * changes never ahead of the offsets by more than what {@link LogCapture} filters out at a restart.
 * Named in the debezium endpoint's {@code offsetStorage}; the publisher is found by the name given in
 * {@code additionalProperties.pipelines.capture}.
 */
public class CaptureOffsetStore extends MemoryOffsetBackingStore {

    static final String CAPTURE_PROPERTY = "pipelines.capture";
    private static final String PREFIX = "debezium-offset:";

    private LogCapture capture;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object name = config.originals().get(CAPTURE_PROPERTY);
        if (name == null) {
            throw new IllegalStateException(CaptureOffsetStore.class.getSimpleName() + " needs the engine property "
                    + CAPTURE_PROPERTY + " naming its capture; it has " + config.originals().keySet());
        }
        capture = LogCapture.named(name.toString());
    }

    @Override
    public synchronized void start() {
        super.start();
        Map<String, byte[]> positions = capture.start();
        Base64.Decoder b64 = Base64.getDecoder();
        positions.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                data.put(ByteBuffer.wrap(b64.decode(k.substring(PREFIX.length()))), ByteBuffer.wrap(v));
            }
        });
    }

    /** Runs on the store's executor after each flush: one transaction with the changes and these offsets. */
    @Override
    protected void save() {
        Map<String, byte[]> positions = new HashMap<>();
        Base64.Encoder b64 = Base64.getEncoder();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
            positions.put(PREFIX + b64.encodeToString(bytes(e.getKey())), bytes(e.getValue()));
        }
        capture.commit(positions);
    }

    @Override
    public synchronized void stop() {
        super.stop();
        if (capture != null) {
            capture.stop();
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
