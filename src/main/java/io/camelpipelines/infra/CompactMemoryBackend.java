package io.camelpipelines.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The wire server's in-memory store, holding each inserted document with the field names and the repeated text
 * values of its collection shared instead of copied. The server decodes every document into new strings: a stored
 * product view held its 17 field names and its user agent, URLs, dates and store as copies of its own, which made
 * most of its heap. Documents are copied on insert, never shared with one another (an update changes only the one
 * it names); strings are immutable, so sharing them changes nothing a query sees.
 */
public final class CompactMemoryBackend extends MemoryBackend {

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new MemoryDatabase(databaseName, getCursorRegistry()) {
            @Override
            protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                SharedStrings strings = new SharedStrings();
                return new MemoryCollection(this, collectionName, options, cursorRegistry) {
                    @Override
                    protected Integer addDocumentInternal(Document document) {
                        return super.addDocumentInternal(strings.copy(document));
                    }
                };
            }
        };
    }

    /**
     * One collection's field names, and per field name the distinct text values seen, up to
     * {@link #MAX_DISTINCT_VALUES}: a field with more (an id, an address, a timestamp) is a field whose values
     * rarely repeat, and is left as it is from then on, so what this holds stays bounded whatever is inserted.
     */
    static final class SharedStrings {

        static final int MAX_DISTINCT_VALUES = 4096;
        static final int MAX_FIELD_NAMES = 4096;

        private final Map<String, String> names = new ConcurrentHashMap<>();
        private final Map<String, Map<String, String>> valuesByField = new ConcurrentHashMap<>();
        private final Set<String> mostlyDistinct = ConcurrentHashMap.newKeySet();

        Document copy(Document document) {
            Document copy = new Document();
            for (Map.Entry<String, Object> e : document.entrySet()) {
                String name = name(e.getKey());
                copy.put(name, value(name, e.getValue()));
            }
            return copy;
        }

        /** The fields whose values are still being shared. */
        Set<String> fieldsWithSharedValues() {
            return Set.copyOf(valuesByField.keySet());
        }

        private String name(String name) {
            String shared = names.get(name);
            if (shared != null) {
                return shared;
            }
            if (names.size() >= MAX_FIELD_NAMES) {
                return name;
            }
            String previous = names.putIfAbsent(name, name);
            return previous == null ? name : previous;
        }

        private Object value(String field, Object value) {
            if (value instanceof String s) {
                return text(field, s);
            }
            if (value instanceof Document d) {
                return copy(d);
            }
            if (value instanceof List<?> list) {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object element : list) {
                    copy.add(value(field, element));
                }
                return copy;
            }
            return value;
        }

        private String text(String field, String value) {
            if (mostlyDistinct.contains(field)) {
                return value;
            }
            Map<String, String> values = valuesByField.computeIfAbsent(field, f -> new ConcurrentHashMap<>());
            String shared = values.get(value);
            if (shared != null) {
                return shared;
            }
            if (values.size() >= MAX_DISTINCT_VALUES) {
                mostlyDistinct.add(field);
                valuesByField.remove(field);
                return value;
            }
            String previous = values.putIfAbsent(value, value);
            return previous == null ? value : previous;
        }
    }
}
