package io.camelpipelines;

import java.nio.file.Path;
import java.util.List;

import io.camelpipelines.clickstream.ClickstreamConfiguration;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.crypto.CryptoConfiguration;
import io.camelpipelines.foodorders.FoodOrdersConfiguration;

import io.camelpipelines.infra.ClassDataArchive;
import io.camelpipelines.infra.EmbeddedInfrastructure;
import io.camelpipelines.infra.HawtioConsole;
import io.camelpipelines.infra.HttpAuthentication;
import io.camelpipelines.infra.InstanceId;
import io.camelpipelines.infra.JvmRelaunch;
import io.camelpipelines.infra.RouteFileReloader;
import io.camelpipelines.infra.StartupFailure;
import io.camelpipelines.infra.TempDirectory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Runs all pipelines: {@code java -jar target/camel-pipelines.jar} from the repository root. */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    static final List<Class<? extends CamelConfiguration>> CONFIGURATIONS = List.of(
            SharedConnections.class,
            ClickstreamConfiguration.class,
            FoodOrdersConfiguration.class,
            CryptoConfiguration.class,
            io.camelpipelines.productviews.ProductViewsConfiguration.class,
            io.camelpipelines.flights.FlightsConfiguration.class);

    private Application() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && "hawtio".equals(args[0])) {
            System.exit(hawtio());
        }
        if (args.length > 0 && "services".equals(args[0])) {
            System.exit(services());
        }
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
        int exitCode;
        Path temp = null;
        try {
            ConfigFiles config = ConfigFiles.resolve();
            temp = TempDirectory.install(
                    Path.of(config.property("pipelines.data-dir", "data")).toAbsolutePath().normalize().resolve("tmp"));
            LOG.info(JvmRelaunch.outcome());
            Main main = newMain(config, infrastructure);
            stopOnSignals(main);
            exitCode = main.run(args);
            if (infrastructure.startFailure() != null) {
                exitCode = 2;
            }
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
        if (temp != null) {
            TempDirectory.remove(temp);
        }
        ClassDataArchive.markRunEnded(exitCode);
        // the broker's and drivers' non-daemon threads must not keep a stopped application alive
        System.exit(exitCode);
    }

    /** {@code java -jar camel-pipelines.jar hawtio}: Hawtio connected to the application that runs beside it. */
    private static int hawtio() {
        try {
            ConfigFiles config = ConfigFiles.resolve();
            HawtioConsole console = HawtioConsole.start(HawtioConsole.Settings.from(config::property, System.getenv()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    console.close();
                } catch (Exception e) {
                    LOG.warn("Hawtio did not stop cleanly: {}", e.toString());
                }
            }, "hawtio-stop"));
            console.join();
            return 0;
        } catch (StartupFailure failure) {
            LOG.error("Cannot start Hawtio: {}", failure.getMessage());
            return 2;
        } catch (Exception e) {
            LOG.error("Cannot start Hawtio", e);
            return 1;
        }
    }

    /**
     * {@code java -jar camel-pipelines.jar services}: only the embedded services (secured with
     * pipelines.embedded.security=true), until stopped; their addresses and made-up credentials go to
     * {@code <data-dir>/services.env} (owner-only), for a {@code prod} run of the application to source.
     */
    private static int services() {
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
        try (org.apache.camel.impl.DefaultCamelContext properties = new org.apache.camel.impl.DefaultCamelContext(false)) {
            ConfigFiles config = ConfigFiles.resolve();
            properties.getPropertiesComponent().setLocation(config.locations());
            io.camelpipelines.infra.Settings settings =
                    new io.camelpipelines.infra.Settings(properties.getPropertiesComponent());
            Path env = settings.getPath("pipelines.data-dir", "data").resolve("services.env");
            Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "embedded-services-stop"));
            infrastructure.startOnly(settings, env);
            LOG.info("Services running. In another shell: set -a; . {}; set +a; CAMEL_MAIN_PROFILE=prod java -jar"
                    + " camel-pipelines.jar   (Ctrl-C here stops the services)", env);
            new java.util.concurrent.CountDownLatch(1).await();
            return 0;
        } catch (Throwable t) {
            StartupFailure failure = StartupFailure.find(t);
            LOG.error("Cannot start the services: {}", failure != null ? failure.getMessage() : t.toString());
            infrastructure.close();
            return failure != null ? 2 : 1;
        }
    }

    /**
     * SIGTERM and SIGINT end the run like a completed one: routes drain, services stop, exit code 0. Left to the
     * JVM, a signal would start its shutdown instead, and the process would exit 143 whatever happened.
     */
    private static void stopOnSignals(Main main) {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("SIG{} received: stopping", name);
                    main.completed();
                });
            } catch (IllegalArgumentException notOnThisPlatform) {
                // the JVM's own handling then
            }
        }
    }

    /** A camel-main configured from the given files, with the embedded services it needs; also used by tests. */
    public static Main newMain(ConfigFiles config, EmbeddedInfrastructure infrastructure) {
        // the configuration classes are named, not found by scanning the package: a scan inflates the whole
        // shaded jar (seconds at every start); SharedConnections first, the pipelines use its connections
        Main main = new Main();
        main.configure().withBasePackageScanEnabled(false);
        CONFIGURATIONS.forEach(main.configure()::addConfiguration);
        LOG.info("Configuration: {}", config.describe());
        main.setPropertyPlaceholderLocations(config.locations());
        RenamedProperties.apply(config, main::addOverrideProperty);
        String instance = InstanceId.resolve(config.property("pipelines.instance-id", null));
        main.addOverrideProperty("pipelines.instance-id", instance);
        LOG.info("Instance: {}", instance);
        config.profile().ifPresent(p -> main.configure().setProfile(p));
        // before the embedded services: a missing HTTP user stops the start before anything was started
        main.addMainListener(new MainListenerSupport() {
            private HttpAuthentication authentication;

            @Override
            public void beforeConfigure(BaseMainSupport configuring) {
                authentication = HttpAuthentication.fromSettings(
                        new io.camelpipelines.infra.Settings(configuring.getCamelContext().getPropertiesComponent()));
            }

            @Override
            public void afterConfigure(BaseMainSupport configured) {
                if (authentication != null) {
                    authentication.install(configured.getCamelContext());
                }
            }
        });
        main.addMainListener(infrastructure);
        main.addMainListener(new io.camelpipelines.infra.HeapTrim());
        main.addMainListener(new io.camelpipelines.infra.NativeHeapTrim());
        // Camel's watcher would run beside ours (a service queued for start cannot be taken back): ours only
        boolean reload = Boolean.parseBoolean(config.property("camel.main.routes-reload-enabled", "false"));
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        if (reload) {
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport configured) {
                    RouteFileReloader.install(configured.getCamelContext());
                }
            });
        }
        return main;
    }
}
