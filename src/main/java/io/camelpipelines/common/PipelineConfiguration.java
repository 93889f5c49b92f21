package io.camelpipelines.common;

import javax.sql.DataSource;

import io.camelpipelines.infra.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * What every pipeline's configuration does first, once: read its settings and its switch
 * ({@code <pipeline>.enabled}), reach the shared connections, and create its tables when enabled. A pipeline's
 * own configuration then binds the beans its routes name. Beans are bound even when the pipeline is disabled:
 * its routes exist (they do not start), and a route refers to its beans when it is created.
 */
public abstract class PipelineConfiguration implements CamelConfiguration {

    private final String pipeline;

    protected PipelineConfiguration(String pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public final void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent());
        SharedConnections.Shared shared = SharedConnections.ensure(context);
        PipelineControl control = new PipelineControl(pipeline, context, shared.metrics(),
                context.getRegistry().lookupByNameAndType(SharedConnections.DLQ_REPLAY, DeadLetterReplay.class),
                settings.get("kafka.brokers", "127.0.0.1:9092"));
        control.install();
        PipelineOverview.ensure(context).add(control);
        configure(new Setup(pipeline, context, settings, shared, settings.getBoolean(pipeline + ".enabled", true),
                control));
    }

    protected abstract void configure(Setup setup) throws Exception;

    /** A pipeline's view of the application while it is being configured. */
    public record Setup(String pipeline, CamelContext context, Settings settings, SharedConnections.Shared shared,
                        boolean enabled, PipelineControl control) {

        public DataSource dataSource() {
            return shared.dataSource();
        }

        public PipelineMetrics metrics() {
            return shared.metrics();
        }

        /** Binds a bean the routes refer to by name. */
        public <T> T bind(String name, T bean) {
            context.getRegistry().bind(name, bean);
            return bean;
        }

        /** A SQL file of src/main/resources/sql/, with its {{property}} identifiers filled in. */
        public String sql(String path) {
            return SqlFiles.load(context, path);
        }

        /**
         * The writer of a PostgreSQL sink: rows COPYed into the TEMP table {@code staging} that
         * {@code sql/<pipeline>/stage-<things>.sql} creates, merged by {@code sql/<pipeline>/insert-<things>.sql}.
         */
        public <T> CopyBatchWriter<T> copyWriter(String things, String staging, java.util.List<CopyBatchWriter.Column<T>> columns) {
            return new CopyBatchWriter<>(pipeline, dataSource(), new CopyBatchWriter.Statements(staging,
                    sql("sql/" + pipeline + "/stage-" + things + ".sql"), sql("sql/" + pipeline + "/insert-" + things + ".sql")),
                    columns, metrics());
        }

        /** Applies DDL to the pipeline's database when the pipeline is enabled (a disabled one creates nothing). */
        public void schema(String what, String ddl) {
            if (enabled) {
                DatabaseSchema.apply(dataSource(), ddl, what, settings.get("postgres.url", ""));
            }
        }
    }
}
