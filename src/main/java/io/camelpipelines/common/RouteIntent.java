package io.camelpipelines.common;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.CamelContextHelper;

/**
 * Whether a route's file says it runs ({@code autoStartup}, placeholders resolved). The supervising route controller
 * starts routes itself, so the flag of every started route reads false; this is what the file meant. A singleton
 * route that another instance runs is not meant to run here.
 */
public final class RouteIntent {

    private RouteIntent() {
    }

    public static boolean meantToRun(CamelContext context, String routeId) {
        if (Singletons.standby(context, routeId)) {
            // another instance runs it (pipelines.cluster.singletons): here it waits for its turn
            return false;
        }
        RouteDefinition def = ((ModelCamelContext) context).getRouteDefinition(routeId);
        String autoStartup = def == null ? null : def.getAutoStartup();
        if (autoStartup == null) {
            return true;
        }
        try {
            return CamelContextHelper.parseBoolean(context, autoStartup);
        } catch (Exception e) {
            return true;
        }
    }
}
