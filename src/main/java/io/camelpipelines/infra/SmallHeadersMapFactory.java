package io.camelpipelines.infra;

import java.util.Map;

import org.apache.camel.spi.HeadersMapFactory;

/**
 * Gives every message {@link SmallHeadersMap} headers. Camel finds it at start through
 * {@code META-INF/services/org/apache/camel/headers-map-factory}, as it finds camel-headersmap's.
 */
public class SmallHeadersMapFactory implements HeadersMapFactory {

    @Override
    public Map<String, Object> newMap() {
        return new SmallHeadersMap();
    }

    @Override
    public Map<String, Object> newMap(Map<String, Object> map) {
        return new SmallHeadersMap(map);
    }

    @Override
    public boolean isInstanceOf(Map<String, Object> map) {
        return map instanceof SmallHeadersMap;
    }

    @Override
    public boolean isCaseInsensitive() {
        return true;
    }
}
