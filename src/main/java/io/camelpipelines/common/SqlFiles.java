package io.camelpipelines.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;

/**
 * SQL kept in src/main/resources/sql/&lt;pipeline&gt;/*.sql. Values are always bound parameters; only
 * identifiers from configuration (table names) are filled in, as {{property}} placeholders, and only
 * when they are plain SQL identifiers.
 */
public final class SqlFiles {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z0-9_.-]+)}}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)?");

    private SqlFiles() {
    }

    public static String load(CamelContext context, String path) {
        return load(context, path, java.util.Map.of());
    }

    /** As {@link #load(CamelContext, String)}, with some placeholders given here rather than by properties. */
    public static String load(CamelContext context, String path, java.util.Map<String, String> identifiers) {
        String sql = classpath(path);
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = identifiers.containsKey(name) ? identifiers.get(name)
                    : context.getPropertiesComponent().resolveProperty(name)
                            .orElseThrow(() -> new IllegalArgumentException(path + " needs property " + name));
            if (!IDENTIFIER.matcher(value).matches()) {
                throw new IllegalArgumentException("Property " + name + " must be a plain SQL identifier, not '" + value + "'");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A statement whose values are named ({@code :since}) rather than numbered, for SQL that uses a value in several
     * places. Naming them where they are used, instead of once in a CTE, lets the planner see each value.
     */
    public record Named(String jdbc, List<String> names) {

        // not the second colon of a cast (::timestamptz), nor a colon inside a word
        private static final Pattern NAME = Pattern.compile("(?<![:\\w]):([a-z_][a-z0-9_]*)");

        /** Comments are dropped (a colon in them is prose); every :name outside them becomes a ?. */
        public static Named parse(String sql) {
            List<String> names = new ArrayList<>();
            StringBuilder jdbc = new StringBuilder();
            for (String line : sql.split("\n")) {
                int comment = line.indexOf("--");
                Matcher m = NAME.matcher(comment < 0 ? line : line.substring(0, comment));
                while (m.find()) {
                    names.add(m.group(1));
                    m.appendReplacement(jdbc, "?");
                }
                m.appendTail(jdbc);
                jdbc.append('\n');
            }
            return new Named(jdbc.toString(), List.copyOf(names));
        }

        public void bind(PreparedStatement ps, Map<String, ?> values) throws SQLException {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("No value for :" + name + " in " + values.keySet());
                }
                ps.setObject(i + 1, values.get(name));
            }
        }
    }

    /** A SQL file without placeholders, as it is. */
    public static String classpath(String path) {
        try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("No SQL file " + path + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + path, e);
        }
    }
}
