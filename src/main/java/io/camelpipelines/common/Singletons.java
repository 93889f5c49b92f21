package io.camelpipelines.common;

import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.CamelContextHelper;

/**
 * The routes that must run on one instance at a time ({@code pipelines.cluster.singletons}: schedules, the change
 * data capture, the single-source readers and the simulators that write into a shared source) each get Camel's
 * {@link ClusteredRoutePolicy}, one namespace per route: the route runs where its namespace's leader is, and starts
 * on another instance when that one goes. Routes of a disabled pipeline are left alone: nothing to elect.
 */
public final class Singletons implements RoutePolicyFactory {

    public static final String BEAN_NAME = "singletons";
    private final Set<String> routeIds;
    private final PostgresClusterService cluster;
    private final boolean alone;

    /**
     * @param alone this instance is the only one there can be (embedded PostgreSQL, its data directory locked to it):
     *     the singleton routes then simply run here, started with the others, and go on through a database outage
     */
    public Singletons(Set<String> routeIds, PostgresClusterService cluster, boolean alone) {
        this.routeIds = Set.copyOf(routeIds);
        this.cluster = cluster;
        this.alone = alone;
    }

    public boolean alone() {
        return alone;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        if (alone || !routeIds.contains(routeId) || !enabled(context, route)) {
            return null;
        }
        try {
            return ClusteredRoutePolicy.forNamespace(context, routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot put route " + routeId + " under the cluster's leadership", e);
        }
    }

    private static boolean enabled(CamelContext context, NamedNode route) {
        String autoStartup = route instanceof RouteDefinition def ? def.getAutoStartup() : null;
        try {
            return autoStartup == null || CamelContextHelper.parseBoolean(context, autoStartup);
        } catch (Exception e) {
            return true;
        }
    }

    public Set<String> routeIds() {
        return routeIds;
    }

    public PostgresClusterService cluster() {
        return cluster;
    }

    /** A singleton route that another instance runs (or nobody yet): this one waits, it is not failing. */
    public boolean standby(String routeId) {
        return routeIds.contains(routeId) && cluster.manages(routeId) && !cluster.leads(routeId);
    }

    /** Whether the route waits for its turn on this instance, for whoever asks without the bean at hand. */
    public static boolean standby(CamelContext context, String routeId) {
        Singletons singletons = context.getRegistry().lookupByNameAndType(BEAN_NAME, Singletons.class);
        return singletons != null && singletons.standby(routeId);
    }
}
