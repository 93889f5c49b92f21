package io.camelpipelines;

import java.nio.file.Path;

import io.camelpipelines.infra.ClassDataArchive;
import io.camelpipelines.infra.JvmRelaunch;

/**
 * What {@code java -jar target/camel-pipelines.jar} runs: first the JVM is replaced by one with the application's
 * JVM options ({@link JvmRelaunch}), then {@link Application} runs. It is a class of its own because everything the
 * launcher's JVM loads is work thrown away: {@link Application} would set up logging and load Camel's classes
 * first. The commands ({@code services}, {@code hawtio}) run as launched: the class-data archive holds what the
 * pipelines' run loads.
 */
public final class Start {

    private Start() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !(args[0].equals("services") || args[0].equals("hawtio"))) {
            relaunch();
        }
        Application.main(args);
    }

    private static void relaunch() {
        ConfigFiles config;
        try {
            config = ConfigFiles.resolve();
        } catch (RuntimeException unreadable) {
            return; // Application says what is wrong with the configuration, in its log
        }
        // JNA unpacks its native library into the application's temp directory, which the new JVM recreates
        Path temp = Path.of(config.property("pipelines.data-dir", "data")).toAbsolutePath().normalize()
                .resolve("tmp").resolve(String.valueOf(ProcessHandle.current().pid()));
        JvmRelaunch.relaunchIfConfigured(config.property("pipelines.jvm.options", ""),
                ClassDataArchive.of(config.property("pipelines.jvm.class-data-archive", "")), temp);
    }
}
