package io.camelpipelines.infra;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JvmRelaunchTest {

    private static final List<String> OURS = List.of("-XX:+UseSerialGC", "-Xms64m",
            "-XX:SharedArchiveFile=/app/camel-pipelines.jsa");

    @Test
    void withoutOptionsOfTheUsersOwnAllOfTheApplicationsAreAdded() {
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-Dx=1", "-Xmx1g"))).isEqualTo(OURS);
    }

    @Test
    void anyCollectorTheUserChoseWinsOverTheApplicationsCollector() {
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-XX:+UseG1GC")))
                .containsExactly("-Xms64m", "-XX:SharedArchiveFile=/app/camel-pipelines.jsa");
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-XX:-UseSerialGC"))).doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void anyClassDataOptionOfTheUserDropsAllOfTheApplications() {
        // the JVM refuses a dynamic archive to map together with one to write, and two archives to map
        for (String users : List.of("-XX:ArchiveClassesAtExit=mine.jsa", "-XX:SharedArchiveFile=mine.jsa",
                "-Xshare:off", "-XX:+AutoCreateSharedArchive")) {
            assertThat(JvmRelaunch.optionsToAdd(OURS, List.of(users))).as(users)
                    .containsExactly("-XX:+UseSerialGC", "-Xms64m");
        }
        assertThat(JvmRelaunch.optionsToAdd(List.of("-XX:ArchiveClassesAtExit=a.tmp", "-Xlog:cds=error"),
                List.of("-XX:SharedArchiveFile=mine.jsa"))).containsExactly("-Xlog:cds=error");
    }

    @Test
    void theHeapTheUserSizedStaysTheirs() {
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-XX:InitialHeapSize=1g"))).doesNotContain("-Xms64m");
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-Xms256m"))).doesNotContain("-Xms64m");
        // a maximum below the application's initial heap: the JVM would refuse the pair
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-Xmx48m"))).doesNotContain("-Xms64m");
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-XX:MaxHeapSize=32m"))).doesNotContain("-Xms64m");
        assertThat(JvmRelaunch.optionsToAdd(OURS, List.of("-Xmx64m"))).contains("-Xms64m");
    }

    @Test
    void optionsAreOfTheKindTheySet() {
        assertThat(JvmRelaunch.kind("-XX:MaxHeapFreeRatio=30")).isEqualTo("MaxHeapFreeRatio");
        assertThat(JvmRelaunch.kind("-XX:+AlwaysPreTouch")).isEqualTo(JvmRelaunch.kind("-XX:-AlwaysPreTouch"));
        assertThat(JvmRelaunch.kind("-Dpipelines.config=a")).isEqualTo("-Dpipelines.config");
        assertThat(JvmRelaunch.size("-Xmx512m")).isEqualTo(512L << 20);
        assertThat(JvmRelaunch.size("-XX:MaxHeapSize=2g")).isEqualTo(2L << 30);
        assertThat(JvmRelaunch.size("-Xmx1048576")).isEqualTo(1L << 20);
        assertThat(JvmRelaunch.split("  -Xms64m   -XX:+UseSerialGC ")).containsExactly("-Xms64m", "-XX:+UseSerialGC");
        assertThat(JvmRelaunch.split(" ")).isEmpty();
        assertThat(JvmRelaunch.split("none")).as("off, from a command line where an empty value counts as unset").isEmpty();
    }

    @Test
    void theCommandLineIsReadWithItsEmptyArguments() {
        byte[] cmdline = "java\0-jar\0app.jar\0\0x\0".getBytes(StandardCharsets.UTF_8);

        assertThat(JvmRelaunch.nulSeparated(cmdline)).extracting(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactly("java", "-jar", "app.jar", "", "x");
    }
}
