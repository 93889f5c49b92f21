package io.camelpipelines;

import io.camelpipelines.infra.EmbeddedInfrastructure;
import io.camelpipelines.infra.StartupFailure;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs all pipelines: {@code java -jar target/camel-pipelines.jar} from the repository root. */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) {
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
        int exitCode;
        try {
            exitCode = newMain(ConfigFiles.resolve(), infrastructure).run(args);
        } catch (Throwable t) {
            StartupFailure failure = StartupFailure.find(t);
            if (failure != null) {
                LOG.error("Cannot start: {}", failure.getMessage());
                exitCode = 2;
            } else {
                LOG.error("Cannot start", t);
                exitCode = 1;
            }
            infrastructure.close();
        }
        // the broker's and drivers' non-daemon threads must not keep a stopped application alive
        System.exit(exitCode);
    }

    /** A camel-main configured from the given files, with the embedded services it needs; also used by tests. */
    public static Main newMain(ConfigFiles config, EmbeddedInfrastructure infrastructure) {
        Main main = new Main(Application.class);
        LOG.info("Configuration: {}", config.describe());
        main.setPropertyPlaceholderLocations(config.locations());
        config.profile().ifPresent(p -> main.configure().setProfile(p));
        main.addMainListener(infrastructure);
        return main;
    }
}
