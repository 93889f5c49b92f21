package io.camelpipelines.common;

import java.io.IOException;
import java.io.InputStream;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An index a pipeline writes, with its explicit settings and mapping (a resource under {@code elasticsearch/}). The
 * mapping goes into an index template for exactly this index name as well as into the index: a write to an index
 * that was deleted while the pipeline ran creates it again (Elasticsearch creates a missing index at the first
 * write), and the template gives that index its mapping instead of guessed ones. A user who may not manage
 * templates (no {@code manage_index_templates}), or whose cluster has a clashing template, gets the index without
 * the template, and a warning.
 */
public final class ElasticsearchIndex {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchIndex.class);

    private final ElasticsearchClient elasticsearch;
    private final String name;
    private final String resource;
    private volatile boolean ready;

    /** @param resource the settings and mapping, {"settings": …, "mappings": …}, on the classpath */
    public ElasticsearchIndex(ElasticsearchClient elasticsearch, String name, String resource) {
        this.elasticsearch = elasticsearch;
        this.name = name;
        this.resource = resource;
    }

    public String name() {
        return name;
    }

    /** The template and the index, once per run; an Elasticsearch that is down fails it, and it is tried again. */
    public synchronized void ensure() throws IOException {
        if (ready) {
            return;
        }
        try (InputStream body = definition()) {
            // above the catch-all templates a cluster may have (priority 0): this one names exactly one index
            elasticsearch.indices().putIndexTemplate(t -> t.name("camel-pipelines-" + name).indexPatterns(name)
                    .priority(200L).template(m -> m.withJson(body)));
        } catch (ElasticsearchException e) {
            if (e.status() == 429 || e.status() >= 500) {
                throw e;
            }
            // not allowed (no manage_index_templates), or in conflict with a template of the cluster's own
            LOG.warn("Cannot install the index template of {} ({} {}): if the index is deleted, a write may create it"
                    + " without its mapping", name, e.status(), e.error().reason());
        }
        if (!elasticsearch.indices().exists(e -> e.index(name)).value()) {
            try (InputStream body = definition()) {
                elasticsearch.indices().create(c -> c.index(name).withJson(body));
                LOG.info("Created Elasticsearch index {} with its mapping", name);
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        }
        ready = true;
    }

    /** The index was found deleted: the next {@link #ensure} installs and creates it again. */
    public void forget() {
        ready = false;
    }

    private InputStream definition() {
        InputStream in = getClass().getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("No index definition " + resource + " on the classpath");
        }
        return in;
    }
}
