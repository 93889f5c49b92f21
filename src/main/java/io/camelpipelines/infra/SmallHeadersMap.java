package io.camelpipelines.infra;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A message's headers as Camel expects them (keys case-insensitive, the first spelling kept), in two arrays searched
 * from the start. Camel's own map is a TreeMap ordered by {@code compareToIgnoreCase}: every put and get of the ten
 * headers camel-kafka sets on each record walks it comparing strings, which was about a tenth of a batch sink's
 * consumer thread in the profile. Here a lookup by the same constant (KafkaConstants.OFFSET, Exchange.HTTP_PATH) ends
 * at an identity check, and another spelling at {@code equalsIgnoreCase}, which rejects a key of another length at
 * once. Iteration is in insertion order. A message has tens of headers at most, so a linear search stays short.
 */
public final class SmallHeadersMap extends AbstractMap<String, Object> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String[] NO_KEYS = {};
    private static final Object[] NO_VALUES = {};

    private String[] keys = NO_KEYS;
    private Object[] values = NO_VALUES;
    private int size;

    public SmallHeadersMap() {
    }

    public SmallHeadersMap(Map<String, Object> copy) {
        if (copy instanceof SmallHeadersMap other) {
            keys = Arrays.copyOf(other.keys, other.size);
            values = Arrays.copyOf(other.values, other.size);
            size = other.size;
        } else {
            putAll(copy);
        }
    }

    private int indexOf(Object key) {
        if (!(key instanceof String name)) {
            return -1;
        }
        // one pass: keys differ ignoring case, so a key found by identity is the only one equalsIgnoreCase finds;
        // two passes (identity, then equalsIgnoreCase) were 7 % of the ticks' consumer thread, mostly puts of new keys
        String[] k = keys;
        int length = name.length();
        for (int i = 0; i < size; i++) {
            String candidate = k[i];
            if (candidate == name || (candidate.length() == length && candidate.equalsIgnoreCase(name))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "header name");
        int i = indexOf(key);
        if (i >= 0) {
            Object old = values[i];
            values[i] = value;
            return old;
        }
        if (size == keys.length) {
            // camel-kafka sets about a dozen headers on each record's message: room for 16 at once, not 8 then 16
            int capacity = Math.max(16, size * 2);
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        return null;
    }

    @Override
    public Object remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        Object old = values[i];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        int moved = size - i - 1;
        System.arraycopy(keys, i + 1, keys, i, moved);
        System.arraycopy(values, i + 1, values, i, moved);
        size--;
        keys[size] = null;
        values[size] = null;
    }

    @Override
    public void clear() {
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        last = next++;
                        return new HeaderEntry(last);
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public void clear() {
                SmallHeadersMap.this.clear();
            }
        };
    }

    /** An entry that writes through to the map, as a TreeMap's does. */
    private final class HeaderEntry extends SimpleEntry<String, Object> {
        private static final long serialVersionUID = 1L;
        private final int index;

        HeaderEntry(int index) {
            super(keys[index], values[index]);
            this.index = index;
        }

        @Override
        public Object setValue(Object value) {
            values[index] = value;
            return super.setValue(value);
        }
    }
}
