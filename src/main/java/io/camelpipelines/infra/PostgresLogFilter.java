package io.camelpipelines.infra;

import java.util.regex.Pattern;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * PostgreSQL's own output reaches the log through the embedded launcher's logger, one line per event: of those,
 * only what an operator needs (FATAL, PANIC, ERROR, WARNING, HINT, DETAIL, crash-recovery progress, readiness) is
 * let through, so a start that fails or recovers says why without the routine chatter. Other loggers are untouched.
 */
public class PostgresLogFilter extends Filter<ILoggingEvent> {

    static final String LOGGER_PREFIX = "io.zonky.test.db.postgres";
    private static final Pattern WORTH_SHOWING = Pattern.compile(
            "FATAL|PANIC|ERROR|WARNING|HINT|DETAIL|redo|recovery|database system|could not|lock file|shared memory");

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!event.getLoggerName().startsWith(LOGGER_PREFIX)) {
            return FilterReply.NEUTRAL;
        }
        if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        String message = event.getFormattedMessage();
        return message != null && WORTH_SHOWING.matcher(message).find() ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
