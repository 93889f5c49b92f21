package io.camelpipelines;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Property names that changed to follow the rule {@code <pipeline>.<role>.<key>}. An old name still works for one
 * release: its value is applied to the new name, with a WARN that names the new one.
 */
final class RenamedProperties {

    private static final Logger LOG = LoggerFactory.getLogger(RenamedProperties.class);

    /** Old name -> new name. */
    static final Map<String, String> NAMES = Map.of(
            "clickstream.consumers", "clickstream.sink.consumers",
            "food-orders.consumers", "food-orders.lake.consumers",
            "food-orders.lake.max-records", "food-orders.lake.batch-size",
            "crypto.consumers", "crypto-prices.sink.consumers");

    /** Old prefix -> new prefix: the pipeline's name is its prefix. */
    static final Map<String, String> PREFIXES = Map.of("crypto.", "crypto-prices.");

    private RenamedProperties() {
    }

    /** Every old name the configuration sets (files, -D, environment), applied to its new name; returns them. */
    static Map<String, String> apply(ConfigFiles config, BiConsumer<String, String> setNewName) {
        Map<String, String> applied = new LinkedHashMap<>();
        for (Map.Entry<String, String> rename : candidates(config.names()).entrySet()) {
            String value = config.property(rename.getKey(), null);
            if (value != null) {
                LOG.warn("Property {} is now called {}; the old name works in this release only", rename.getKey(),
                        rename.getValue());
                setNewName.accept(rename.getValue(), value);
                applied.put(rename.getKey(), rename.getValue());
            }
        }
        return applied;
    }

    /** The old names worth looking for: the fixed ones, and each known new name under a renamed prefix. */
    static Map<String, String> candidates(Set<String> knownNames) {
        Map<String, String> all = new LinkedHashMap<>(NAMES);
        Set<String> names = new TreeSet<>(knownNames);
        names.addAll(NAMES.values());
        PREFIXES.forEach((oldPrefix, newPrefix) -> names.stream().filter(n -> n.startsWith(newPrefix))
                .forEach(n -> all.putIfAbsent(oldPrefix + n.substring(newPrefix.length()), n)));
        return all;
    }
}
