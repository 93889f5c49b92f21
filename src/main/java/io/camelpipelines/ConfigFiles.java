package io.camelpipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import io.camelpipelines.infra.StartupFailure;

/**
 * Where the configuration comes from, checked before Camel starts: the working directory's
 * application.properties (or the file named by PIPELINES_CONFIG), the profile's
 * application-&lt;profile&gt;.properties beside it, then the same two files inside the jar as defaults.
 * Environment variables (KAFKA_BROKERS for kafka.brokers) override all of them.
 */
public final class ConfigFiles {

    static final String CONFIG_ENV = "PIPELINES_CONFIG";
    static final String CONFIG_SYS = "pipelines.config";
    static final String PROFILE_ENV = "CAMEL_MAIN_PROFILE";
    static final String PROFILE_SYS = "camel.main.profile";

    private final Path configFile;
    private final boolean configFilePresent;
    private final String profile;
    private final java.util.Map<String, String> env;
    private final Properties sys;

    private ConfigFiles(Path configFile, boolean configFilePresent, String profile, java.util.Map<String, String> env,
                        Properties sys) {
        this.configFile = configFile;
        this.configFilePresent = configFilePresent;
        this.profile = profile;
        this.env = env;
        this.sys = sys;
    }

    public static ConfigFiles resolve() {
        return resolve(System.getenv(), System.getProperties());
    }

    static ConfigFiles resolve(java.util.Map<String, String> env, Properties sys) {
        String explicit = first(sys.getProperty(CONFIG_SYS), env.get(CONFIG_ENV));
        Path file = Path.of(explicit != null ? explicit : "application.properties").toAbsolutePath().normalize();
        boolean present = Files.exists(file);
        if (explicit != null && !present) {
            throw new StartupFailure("Config file " + file + " does not exist (named by " + CONFIG_ENV + " / -D"
                    + CONFIG_SYS + ")");
        }
        Properties fileProps = present ? load(file) : new Properties();
        String profile = first(sys.getProperty(PROFILE_SYS), env.get(PROFILE_ENV), fileProps.getProperty(PROFILE_SYS),
                classpath("application.properties").getProperty(PROFILE_SYS));
        if (profile != null && !Files.exists(profileFile(file, profile)) && resource(profileName(profile)) == null) {
            throw new StartupFailure("Unknown profile '" + profile + "' (" + PROFILE_SYS + " / " + PROFILE_ENV + "): no "
                    + profileName(profile) + " beside " + file + " or in the jar; known profiles: " + knownProfiles(file));
        }
        return new ConfigFiles(file, present, profile, env, sys);
    }

    /**
     * A property read before Camel starts (where the application keeps its files), with Camel's precedence:
     * environment variable, system property, then the files of {@link #locations()} in order.
     */
    public String property(String name, String defaultValue) {
        String fromEnv = env.get(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
        String value = first(fromEnv, sys.getProperty(name));
        if (value != null) {
            return value;
        }
        if (profile != null) {
            value = first(loadIfPresent(profileFile(configFile, profile)).getProperty(name));
        }
        if (value == null && configFilePresent) {
            value = first(load(configFile).getProperty(name));
        }
        if (value == null && profile != null) {
            value = first(classpath(profileName(profile)).getProperty(name));
        }
        if (value == null) {
            value = first(classpath("application.properties").getProperty(name));
        }
        return value != null ? value : defaultValue;
    }

    private static Properties loadIfPresent(Path file) {
        return Files.exists(file) ? load(file) : new Properties();
    }

    /** Camel property locations, the first one that has a key wins. */
    public String locations() {
        List<String> locations = new ArrayList<>();
        if (profile != null) {
            locations.add("file:" + profileFile(configFile, profile) + ";optional=true");
        }
        if (configFilePresent) {
            locations.add("file:" + configFile);
        }
        if (profile != null) {
            locations.add("classpath:" + profileName(profile) + ";optional=true");
        }
        locations.add("classpath:application.properties;optional=true");
        return String.join(",", locations);
    }

    /** The property names the configuration files define (the working directory's and the jar's). */
    public java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.TreeSet<>(classpath("application.properties").stringPropertyNames());
        if (configFilePresent) {
            names.addAll(load(configFile).stringPropertyNames());
        }
        return names;
    }

    public Optional<String> profile() {
        return Optional.ofNullable(profile);
    }

    public String describe() {
        return (configFilePresent ? configFile.toString() : "defaults in the jar (no " + configFile + ")")
                + (profile == null ? "" : ", profile " + profile);
    }

    private static Properties load(Path file) {
        if (!Files.isReadable(file)) {
            throw new StartupFailure("Config file " + file + " is not readable: fix its permissions");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupFailure("Config file " + file + " cannot be read: " + e.getMessage());
        }
        return p;
    }

    private static Properties classpath(String name) {
        Properties p = new Properties();
        try (InputStream in = resource(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new StartupFailure("The jar's " + name + " cannot be read: " + e.getMessage());
        }
        return p;
    }

    private static InputStream resource(String name) {
        return ConfigFiles.class.getClassLoader().getResourceAsStream(name);
    }

    private static String profileName(String profile) {
        return "application-" + profile + ".properties";
    }

    private static Path profileFile(Path configFile, String profile) {
        return configFile.resolveSibling(profileName(profile));
    }

    private static String knownProfiles(Path configFile) {
        List<String> known = new ArrayList<>();
        try (var files = Files.list(configFile.getParent())) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("application-") && n.endsWith(".properties"))
                    .map(n -> n.substring("application-".length(), n.length() - ".properties".length()))
                    .forEach(known::add);
        } catch (IOException e) {
            // only the jar's then
        }
        if (resource(profileName("prod")) != null && !known.contains("prod")) {
            known.add("prod");
        }
        return known.isEmpty() ? "none" : String.join(", ", known);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
