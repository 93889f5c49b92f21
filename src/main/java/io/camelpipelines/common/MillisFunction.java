package io.camelpipelines.common;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesFunction;
import org.apache.camel.util.TimeUtils;

/**
 * {@code {{ms:clickstream.aggregate.period}}}: a duration property (60s, 2m, 500ms, or bare milliseconds) as the
 * milliseconds an endpoint option wants, so every duration in the configuration is written one way, with its unit.
 */
public class MillisFunction implements PropertiesFunction {

    private final PropertiesComponent properties;

    public MillisFunction(PropertiesComponent properties) {
        this.properties = properties;
    }

    @Override
    public String getName() {
        return "ms";
    }

    @Override
    public String apply(String name) {
        String value = properties.resolveProperty(name.trim())
                .orElseThrow(() -> new IllegalArgumentException("No property " + name + " for {{ms:" + name + "}}"));
        return String.valueOf(millis(name, value));
    }

    static long millis(String name, String value) {
        String v = value.trim();
        try {
            return v.endsWith("ms") ? Long.parseLong(v.substring(0, v.length() - 2).trim()) : TimeUtils.toMilliSeconds(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Property " + name + " must be a duration such as 500ms, 30s or 2m, not '"
                    + value + "'", e);
        }
    }
}
