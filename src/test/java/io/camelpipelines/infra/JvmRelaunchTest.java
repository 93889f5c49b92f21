package io.camelpipelines.infra;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JvmRelaunchTest {

    @Test
    void theApplicationsOptionsGoInFrontOfTheCommandLineTheUserTyped() {
        List<String> command = JvmRelaunch.command("/jdk/bin/java", List.of("-XX:+UseSerialGC", "-Xms64m"),
                List.of("-Dx=1", "-jar", "target/camel-pipelines.jar", "services"));

        assertThat(command).containsExactly("/jdk/bin/java", "-XX:+UseSerialGC", "-Xms64m", "-Dx=1", "-jar",
                "target/camel-pipelines.jar", "services");
    }

    @Test
    void anOptionTheUserGaveWinsOverTheApplicationsOfTheSameName() {
        List<String> command = JvmRelaunch.command("java",
                List.of("-XX:+UseSerialGC", "-Xms64m", "-XX:SharedArchiveFile=a.jsa", "-XX:+AlwaysPreTouch"),
                List.of("-XX:+UseG1GC", "-Xms1g", "-XX:SharedArchiveFile=mine.jsa", "-XX:-AlwaysPreTouch", "-jar", "app.jar"));

        assertThat(command).containsExactly("java", "-XX:+UseG1GC", "-Xms1g", "-XX:SharedArchiveFile=mine.jsa",
                "-XX:-AlwaysPreTouch", "-jar", "app.jar");
    }

    @Test
    void theApplicationsOwnArgumentsAreNotTakenForJvmOptions() {
        // "-Xms1g" after the jar is an argument of the application, not the user's heap
        List<String> command = JvmRelaunch.command("java", List.of("-Xms64m"), List.of("-jar", "app.jar", "-Xms1g"));

        assertThat(command).containsExactly("java", "-Xms64m", "-jar", "app.jar", "-Xms1g");
    }

    @Test
    void optionsAreNamedByTheFlagTheySet() {
        assertThat(JvmRelaunch.name("-XX:+UseSerialGC")).isEqualTo(JvmRelaunch.name("-XX:+UseParallelGC")).isEqualTo("GC");
        assertThat(JvmRelaunch.name("-XX:MaxHeapFreeRatio=30")).isEqualTo("MaxHeapFreeRatio");
        assertThat(JvmRelaunch.name("-Xmx512m")).isEqualTo("-Xmx");
        assertThat(JvmRelaunch.name("-Dpipelines.config=a")).isEqualTo("-Dpipelines.config");
        assertThat(JvmRelaunch.split("  -Xms64m   -XX:+UseSerialGC ")).containsExactly("-Xms64m", "-XX:+UseSerialGC");
        assertThat(JvmRelaunch.split(" ")).isEmpty();
        assertThat(JvmRelaunch.split("none")).as("off, from a command line where an empty value counts as unset").isEmpty();
    }
}
