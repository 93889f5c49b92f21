package io.camelpipelines.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.camelpipelines.common.RouteIntent;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's route watcher, extended to what these route files hold. Camel's own reload updates plain routes only: a
 * saved {@code templatedRoute} file (every Kafka -> sink stage) or the shared template itself changed nothing. Here a
 * saved file replaces exactly the routes it defines, the routes instantiated from a template it defines are
 * re-created from their own files, and an edit that cannot be parsed or started is rejected with the file and the
 * cause while the routes from before the edit run on (they are put back if the new ones failed to start).
 * <p>
 * A Kafka consumer route replaced mid-stream stops gracefully: its batch in flight is written and committed, or not
 * committed and redelivered to its successor, and the sinks' natural keys absorb the redelivery.
 */
public final class RouteFileReloader extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    /**
     * What each file held when it was last applied or rejected. One save can bring several events (the truncation,
     * then the write, seen apart when the watcher is quick): handling the same text again would stop and re-create
     * the file's routes for nothing, and for a rejected edit would take down the routes it left running.
     */
    private final Map<String, String> lastHandled = new ConcurrentHashMap<>();

    RouteFileReloader(String directory, boolean recursive, String pattern) {
        super(directory, recursive);
        setPattern(pattern);
        setRemoveAllRoutes(false);
    }

    /**
     * Watches what {@code camel.main.routes-reload-directory}, {@code -directory-recursive} and {@code -pattern} say,
     * in place of Camel's own watcher (Application switches that one off).
     */
    public static void install(CamelContext context) {
        var properties = context.getPropertiesComponent();
        RouteFileReloader watcher = new RouteFileReloader(
                properties.resolveProperty("camel.main.routes-reload-directory").orElse("routes"),
                Boolean.parseBoolean(properties.resolveProperty("camel.main.routes-reload-directory-recursive")
                        .orElse("true")),
                properties.resolveProperty("camel.main.routes-reload-pattern").orElse("*.camel.yaml"));
        try {
            context.addService(watcher);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot install the route file watcher", e);
        }
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null || removeEverything) {
            super.onRouteReload(resources, removeEverything);
            return;
        }
        resources.forEach(this::reload);
    }

    @ManagedAttribute(description = "Route file edits applied")
    public long getAppliedCount() {
        return applied.get();
    }

    @ManagedAttribute(description = "Route file edits rejected (the routes from before the edit run on)")
    public long getRejectedCount() {
        return rejected.get();
    }

    @ManagedAttribute(description = "Route file events ignored because the file holds what was last applied or rejected")
    public long getUnchangedCount() {
        return unchanged.get();
    }

    private void reload(Resource resource) {
        String file = resource.getLocation().replaceFirst("^file:", "");
        Parsed edit;
        try {
            if (!resource.exists()) {
                lastHandled.remove(file);
                LOG.warn("Route file {} was deleted: its routes run on until a restart", file);
                return;
            }
            String text = textOf(resource);
            if (text.isBlank()) {
                // an editor's save can truncate the file before it writes it: the write brings the next event
                LOG.debug("Route file {} is empty: nothing changed", file);
                return;
            }
            if (text.equals(lastHandled.put(file, text))) {
                unchanged.incrementAndGet();
                LOG.debug("Route file {} holds what was last handled: nothing changed", file);
                return;
            }
            edit = parse(List.of(resource));
        } catch (Exception e) {
            rejected.incrementAndGet();
            LOG.error("Route file {} rejected, the routes running before the edit run on: {}", file, cause(e));
            return;
        }
        if (edit.hasRouteConfigurations) {
            // error handlers shared by other files' routes: Camel's own update applies them
            try {
                super.onRouteReload(List.of(resource), false);
                applied.incrementAndGet();
            } catch (RuntimeException e) {
                rejected.incrementAndGet();
                LOG.error("Route file {} rejected: {}", file, cause(e));
            }
            return;
        }
        try {
            List<TemplatedRouteDefinition> instances = new ArrayList<>(edit.templated);
            if (!edit.templates.isEmpty()) {
                instances.addAll(instancesElsewhere(resource, edit.templateIds()));
            }
            apply(file, edit, instances);
            applied.incrementAndGet();
        } catch (Exception e) {
            rejected.incrementAndGet();
            LOG.error("Route file {} rejected: {}", file, cause(e));
        }
    }

    /** Routes of other files instantiated from the given templates: they are re-created with the new template. */
    private List<TemplatedRouteDefinition> instancesElsewhere(Resource edited, Set<String> templateIds)
            throws Exception {
        List<Resource> others;
        try (Stream<Path> files = Files.walk(Path.of(getFolder()))) {
            others = files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .filter(p -> !p.toAbsolutePath().normalize()
                            .equals(Path.of(edited.getURI()).toAbsolutePath().normalize()))
                    .sorted()
                    .map(p -> ResourceHelper.resolveResource(getCamelContext(), "file:" + p))
                    .toList();
        }
        return parse(others).templated.stream()
                .filter(t -> templateIds.contains(t.getRouteTemplateRef()))
                .toList();
    }

    private void apply(String file, Parsed edit, List<TemplatedRouteDefinition> instances) throws Exception {
        ModelCamelContext model = (ModelCamelContext) getCamelContext();
        Set<String> ids = new LinkedHashSet<>();
        edit.routes.forEach(r -> ids.add(r.getRouteId()));
        instances.forEach(t -> ids.add(t.getRouteId()));
        Map<String, RouteDefinition> before = new LinkedHashMap<>();
        for (String id : ids) {
            RouteDefinition running = model.getRouteDefinition(id);
            if (running != null) {
                before.put(id, running);
            }
        }
        List<RouteTemplateDefinition> templatesBefore = model.getRouteTemplateDefinitions().stream()
                .filter(t -> edit.templateIds().contains(t.getId())).toList();
        try {
            for (RouteDefinition old : before.values()) {
                model.removeRouteDefinition(old);
            }
            model.removeRouteTemplateDefinitions(templatesBefore);
            model.addRouteTemplateDefinitions(edit.templates);
            for (RouteDefinition route : edit.routes) {
                edit.builderOf.get(route).getRouteCollection().prepareRoute(route);
                model.addRouteDefinition(route);
            }
            for (TemplatedRouteDefinition instance : instances) {
                model.addRouteFromTemplatedRoute(instance);
            }
            startAsTheirFilesSay(ids);
        } catch (Exception e) {
            restore(model, ids, before, templatesBefore, edit.templates);
            throw e;
        }
        LOG.info("Route file {} applied: {}", file, ids.isEmpty() ? "route templates only, no route uses them"
                : ids.stream().map(id -> id + " " + getCamelContext().getRouteController().getRouteStatus(id))
                        .collect(Collectors.joining(", ")));
    }

    private void restore(ModelCamelContext model, Set<String> ids, Map<String, RouteDefinition> before,
                         List<RouteTemplateDefinition> templatesBefore, List<RouteTemplateDefinition> added) {
        try {
            for (String id : ids) {
                RouteDefinition partial = model.getRouteDefinition(id);
                if (partial != null) {
                    model.removeRouteDefinition(partial);
                }
            }
            model.removeRouteTemplateDefinitions(added);
            model.addRouteTemplateDefinitions(templatesBefore);
            model.addRouteDefinitions(before.values());
            startAsTheirFilesSay(before.keySet());
            LOG.warn("The routes from before the edit were put back: {}", before.keySet());
        } catch (Exception e) {
            LOG.error("The routes from before the edit could not all be put back ({}): restart the application",
                    cause(e));
        }
    }

    /**
     * The supervising route controller starts a route added later only when asked; asked for all (Camel's own reload
     * does that), it would also start those an operator stopped. So: these routes, and only if their files say so.
     */
    private void startAsTheirFilesSay(Collection<String> ids) throws Exception {
        for (String id : ids) {
            if (getCamelContext().getRoute(id) != null && RouteIntent.meantToRun(getCamelContext(), id)
                    && !getCamelContext().getRouteController().getRouteStatus(id).isStarted()) {
                getCamelContext().getRouteController().startRoute(id);
            }
        }
    }

    private Parsed parse(List<Resource> resources) throws Exception {
        Parsed parsed = new Parsed();
        if (resources.isEmpty()) {
            return parsed;
        }
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(getCamelContext()).findRoutesBuilders(resources)) {
            if (!(builder instanceof RouteBuilder rb)) {
                continue;
            }
            rb.configureRoutes(getCamelContext());
            rb.getRouteCollection().getRoutes().forEach(r -> {
                parsed.routes.add(r);
                parsed.builderOf.put(r, rb);
            });
            parsed.templates.addAll(rb.getRouteTemplateCollection().getRouteTemplates());
            parsed.templated.addAll(rb.getTemplatedRouteCollection().getTemplatedRoutes());
            if (rb instanceof RouteConfigurationBuilder rcb) {
                rcb.configuration();
                parsed.hasRouteConfigurations |= !rcb.getRouteConfigurationCollection()
                        .getRouteConfigurations().isEmpty();
            }
        }
        return parsed;
    }

    private static String textOf(Resource resource) throws java.io.IOException {
        try (java.io.InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String cause(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !sb.toString().contains(m)) {
                sb.append(sb.isEmpty() ? "" : " <- ").append(m.strip());
            }
        }
        return sb.isEmpty() ? e.toString() : sb.toString();
    }

    private static final class Parsed {
        final List<RouteDefinition> routes = new ArrayList<>();
        final Map<RouteDefinition, RouteBuilder> builderOf = new IdentityHashMap<>();
        final List<RouteTemplateDefinition> templates = new ArrayList<>();
        final List<TemplatedRouteDefinition> templated = new ArrayList<>();
        boolean hasRouteConfigurations;

        Set<String> templateIds() {
            return templates.stream().map(RouteTemplateDefinition::getId).collect(Collectors.toSet());
        }
    }
}
