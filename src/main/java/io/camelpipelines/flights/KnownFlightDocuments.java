package io.camelpipelines.flights;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flight documents this instance last wrote or read, with the sequence number and primary term Elasticsearch gave
 * them: the fold merges into these instead of reading them again, and writes on condition of that version. A document
 * changed by anyone else (another instance after a rebalance, an operator) or deleted makes that write a version
 * conflict, and the conflict makes it read again; so a stale entry costs one more round trip. One case it cannot
 * see: an index deleted and rebuilt by another instance while this one runs, where the rebuilt document reached the
 * very sequence number remembered here (both start again at 0 in a new index); restart the instances after such a
 * rebuild, or set 0. The least recently used entries go first once {@code capacity} are held; 0 turns it off.
 */
final class KnownFlightDocuments {

    /** A document as Elasticsearch holds it at (seqNo, primaryTerm); the map is never changed after it is put here. */
    record Known(long seqNo, long primaryTerm, Map<String, Object> source) {
    }

    private final int capacity;
    private final Map<String, Known> documents;

    KnownFlightDocuments(int capacity) {
        this.capacity = Math.max(0, capacity);
        this.documents = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > KnownFlightDocuments.this.capacity;
            }
        };
    }

    synchronized Known get(String id) {
        return documents.get(id);
    }

    synchronized void put(String id, long seqNo, long primaryTerm, Map<String, Object> source) {
        if (capacity > 0) {
            documents.put(id, new Known(seqNo, primaryTerm, source));
        }
    }

    synchronized void forget(Collection<String> ids) {
        documents.keySet().removeAll(ids);
    }

    synchronized void forgetAll() {
        documents.clear();
    }

    synchronized int size() {
        return documents.size();
    }
}
