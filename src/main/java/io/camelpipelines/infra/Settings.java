package io.camelpipelines.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed reads of the application's properties through Camel's properties component, so that
 * profiles, the working-directory file and environment variables apply exactly as they do in routes.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The value, or empty when the property is missing or blank. */
    public Optional<String> find(String name) {
        return properties.resolveProperty(name).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String get(String name, String defaultValue) {
        return find(name).orElse(defaultValue);
    }

    public int getInt(String name, int defaultValue) {
        String v = get(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new StartupFailure("Property " + name + " must be a whole number, not '" + v + "'");
        }
    }

    public boolean getBoolean(String name, boolean defaultValue) {
        return find(name).map(Boolean::parseBoolean).orElse(defaultValue);
    }

    public Duration getDuration(String name, Duration defaultValue) {
        String v = get(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Duration.ofMillis(org.apache.camel.util.TimeUtils.toMilliSeconds(v));
        } catch (RuntimeException e) {
            throw new StartupFailure("Property " + name + " must be a duration such as 90s or 2m, not '" + v + "'");
        }
    }

    /** A path property, relative to the working directory unless absolute. */
    public Path getPath(String name, String defaultValue) {
        return Path.of(get(name, defaultValue)).toAbsolutePath().normalize();
    }
}
