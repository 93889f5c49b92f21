package io.camelpipelines.infra;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresLogFilterTest {

    private final PostgresLogFilter filter = new PostgresLogFilter();
    private final LoggerContext context = new LoggerContext();

    private FilterReply decide(String logger, Level level, String message) {
        return filter.decide(new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, null, null));
    }

    @Test
    void postgresqlsProblemsAndRecoveryPassItsChatterDoesNot() {
        String pg = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres:pg-ctl";
        assertThat(decide(pg, Level.INFO, "FATAL:  lock file \"postmaster.pid\" already exists")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(pg, Level.INFO, "HINT:  Is another postmaster (PID 42) running?")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(pg, Level.INFO, "LOG:  redo starts at 0/1D38808")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(pg, Level.INFO, "LOG:  database system is ready to accept connections")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(pg, Level.INFO, "waiting for server to start....")).isEqualTo(FilterReply.DENY);
        assertThat(decide("io.camelpipelines.Application", Level.INFO, "anything")).isEqualTo(FilterReply.NEUTRAL);
    }
}
