package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * GET /api/cluster: the instances (the cluster connections PostgreSQL sees, since when), which instance runs each
 * singleton route and since when, and which instance owns each partition of every consumer group this instance's
 * routes belong to (Kafka's own description of the group, its members named after their instance).
 */
public final class ClusterStatus {

    private final CamelContext context;
    private final Singletons singletons;

    public ClusterStatus(CamelContext context, Singletons singletons) {
        this.context = context;
        this.singletons = singletons;
    }

    public Map<String, Object> describe() {
        PostgresClusterService cluster = singletons.cluster();
        PostgresClusterService.Snapshot snapshot = cluster.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", cluster.instanceId());
        List<Map<String, Object>> members = new ArrayList<>();
        for (PostgresClusterService.Member m : snapshot.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("instance", m.instanceId());
            row.put("since", m.since().toString());
            row.put("local", m.instanceId().equals(cluster.instanceId()));
            members.add(row);
        }
        out.put("members", members);
        List<Map<String, Object>> routes = new ArrayList<>();
        for (String id : new java.util.TreeSet<>(singletons.routeIds())) {
            if (singletons.alone() && context.getRoute(id) != null && RouteIntent.meantToRun(context, id)) {
                // the only instance there can be: the route runs here, no lock to hold
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("route", id);
                row.put("instance", cluster.instanceId());
                row.put("since", null);
                row.put("here", String.valueOf(context.getRouteController().getRouteStatus(id)));
                routes.add(row);
                continue;
            }
            if (!cluster.manages(id)) {
                continue; // its pipeline is disabled: nothing to elect
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("route", id);
            row.put("instance", snapshot.leaders().get(id));
            var since = snapshot.since().get(id);
            row.put("since", since == null ? null : since.toString());
            row.put("here", String.valueOf(context.getRouteController().getRouteStatus(id)));
            routes.add(row);
        }
        out.put("singletons", routes);
        Set<String> instances = snapshot.members().stream().map(PostgresClusterService.Member::instanceId)
                .collect(Collectors.toSet());
        out.put("partitions", partitions(instances));
        return out;
    }

    /** Per consumer group of this instance's Kafka routes: topic-partition → the instance that owns it now. */
    private List<Map<String, Object>> partitions(Set<String> instances) {
        Map<String, KafkaConfiguration> groups = new TreeMap<>();
        for (Route r : context.getRoutes()) {
            if (r.getEndpoint() instanceof KafkaEndpoint k && k.getConfiguration().getGroupId() != null) {
                groups.putIfAbsent(k.getConfiguration().getGroupId(), k.getConfiguration());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, KafkaConfiguration> g : groups.entrySet()) {
            try (Admin admin = Admin.create(PipelineControl.adminSettings(g.getValue()))) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(g.getKey())).all()
                        .get(10, TimeUnit.SECONDS).get(g.getKey());
                for (MemberDescription m : group.members()) {
                    String instance = InstanceKafkaClients.instanceOf(m.clientId(), instances);
                    for (TopicPartition tp : m.assignment().topicPartitions()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("group", g.getKey());
                        row.put("topic", tp.topic());
                        row.put("partition", tp.partition());
                        row.put("instance", instance);
                        row.put("client", m.clientId());
                        rows.add(row);
                    }
                }
            } catch (Exception e) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("group", g.getKey());
                row.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparing((Map<String, Object> r) -> String.valueOf(r.get("group")))
                .thenComparing(r -> String.valueOf(r.get("topic")))
                .thenComparing(r -> r.get("partition") instanceof Integer i ? i : -1));
        return rows;
    }
}
