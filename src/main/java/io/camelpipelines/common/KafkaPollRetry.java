package io.camelpipelines.common;

import java.time.Duration;
import java.time.Instant;

import org.apache.camel.component.kafka.PollExceptionStrategy;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer of a cluster does when a poll fails: wait (1 s, doubling up to {@code maxBackoff}) and poll again,
 * never giving up. Camel's default gives up for good on a refused login, which would leave a bridge dead until a
 * restart after someone fixed a password; here the route keeps retrying and picks up the fixed credentials by itself.
 * A refused login is one ERROR line naming the cluster, the user and the property that holds the password, written
 * once per episode (and again every {@code remindEvery} while it lasts); the first batch after it says it is over.
 */
public class KafkaPollRetry implements PollExceptionStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPollRetry.class);

    private final String cluster;
    private final String brokers;
    private final String user;
    private final String passwordSetting;
    private final Duration maxBackoff;
    private final Duration remindEvery;
    private int failures;
    private volatile Instant failingSince;
    private Instant lastReported;

    /**
     * @param cluster         how the operator knows the cluster ("the remote cluster of product-views")
     * @param passwordSetting where its password comes from ("product-views.remote.password (PRODUCT_VIEWS_REMOTE_PASSWORD)")
     */
    public KafkaPollRetry(String cluster, String brokers, String user, String passwordSetting, Duration maxBackoff,
                          Duration remindEvery) {
        this.cluster = cluster;
        this.brokers = brokers;
        this.user = user;
        this.passwordSetting = passwordSetting;
        this.maxBackoff = maxBackoff;
        this.remindEvery = remindEvery;
    }

    @Override
    public boolean canContinue() {
        return true;
    }

    @Override
    public void handle(long partitionLastOffset, Exception exception) {
        Duration wait;
        synchronized (this) {
            failures++;
            Instant now = Instant.now();
            if (failingSince == null) {
                failingSince = now;
            }
            boolean login = exception instanceof AuthenticationException || exception instanceof AuthorizationException;
            boolean report = lastReported == null || now.isAfter(lastReported.plus(remindEvery));
            if (report && !login) {
                lastReported = now;
                LOG.warn("{} at {}: a poll failed ({}: {}); polling again with backoff (attempt {}, failing since {})",
                        cluster, brokers, exception.getClass().getSimpleName(), exception.getMessage(), failures,
                        failingSince);
            } else if (report) {
                lastReported = now;
                LOG.error("{} at {} refused the login{} ({}): check {}. Retrying with backoff (attempt {}, failing since {});"
                                + " the rest of the application keeps running", cluster, brokers,
                        user == null ? "" : " of user '" + user + "'", exception.getMessage(), passwordSetting, failures,
                        failingSince);
            }
            wait = backoff(failures);
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            // the route is stopping: the consumer thread ends as it would after any poll
            Thread.currentThread().interrupt();
        }
    }

    /** A batch arrived: if polls were failing, say that they are not any more. */
    public void polled() {
        if (failingSince == null) {
            return;
        }
        synchronized (this) {
            if (failingSince != null) {
                LOG.info("{} at {} answers again after {} failed polls since {}", cluster, brokers, failures,
                        failingSince);
                failingSince = null;
                lastReported = null;
                failures = 0;
            }
        }
    }

    public boolean failing() {
        return failingSince != null;
    }

    private Duration backoff(int attempt) {
        long ms = 1000L << Math.min(attempt - 1, 20);
        return ms > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(ms);
    }
}
