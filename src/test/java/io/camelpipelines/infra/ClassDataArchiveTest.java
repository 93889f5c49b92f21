package io.camelpipelines.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ClassDataArchiveTest {

    @TempDir
    Path dir;

    private final long pid = ProcessHandle.current().pid();

    @Test
    void withoutAnArchiveTheJvmWritesOneUnderANameOfItsOwnWhenItStops() throws Exception {
        Path jar = jar(Instant.now());

        assertThat(new ClassDataArchive(dir.resolve("app.jsa"), jar, 17).jvmOptions())
                .containsExactly("-XX:ArchiveClassesAtExit=" + dir.resolve("app.jsa." + pid + ".tmp"), "-Xlog:cds=error");
    }

    @Test
    void anArchiveOfAnotherBuildOfTheJarIsDeletedAndWrittenAgain() throws Exception {
        Path jar = jar(Instant.now());
        Files.writeString(dir.resolve("app.jsa"), "archive of the jar before the rebuild");
        Files.writeString(dir.resolve("app.jsa.key"), "1234 1700000000000 17.0.15+6 /usr/lib/jvm/java-17\n");

        assertThat(new ClassDataArchive(dir.resolve("app.jsa"), jar, 17).jvmOptions())
                .containsExactly("-XX:ArchiveClassesAtExit=" + dir.resolve("app.jsa." + pid + ".tmp"), "-Xlog:cds=error");
        assertThat(dir.resolve("app.jsa")).doesNotExist();
    }

    @Test
    void anArchiveWithoutItsKeyIsNotUsed() throws Exception {
        Path jar = jar(Instant.now());
        Files.writeString(dir.resolve("app.jsa"), "archive");

        assertThat(new ClassDataArchive(dir.resolve("app.jsa"), jar, 17).jvmOptions()).first().asString()
                .startsWith("-XX:ArchiveClassesAtExit=");
    }

    @Test
    void aFileAJvmCannotMapIsDeletedNotUsed() throws Exception {
        Path jar = jar(Instant.now().minusSeconds(60));
        // a writer that is gone (pid 2^22 + 1 is above Linux's default pid_max) and left half a file after exit 0
        Path half = Files.writeString(dir.resolve("app.jsa.4194305.tmp"), "killed while writing");
        Files.writeString(dir.resolve("app.jsa.4194305.tmp.ok"), "exit 0\n");
        Path running = Files.writeString(dir.resolve("app.jsa." + ProcessHandle.current().parent().orElseThrow().pid()
                + ".tmp"), "still being written");

        assertThat(new ClassDataArchive(dir.resolve("app.jsa"), jar, 17).jvmOptions())
                .containsExactly("-XX:ArchiveClassesAtExit=" + dir.resolve("app.jsa." + pid + ".tmp"), "-Xlog:cds=error");
        assertThat(half).doesNotExist();
        assertThat(dir.resolve("app.jsa.4194305.tmp.ok")).doesNotExist();
        assertThat(running).as("another instance's, still writing").exists();
        assertThat(dir.resolve("app.jsa")).doesNotExist();
    }

    @Test
    void theArchiveOfARunThatDidNotEndWellIsDeletedUnchecked() throws Exception {
        Path jar = jar(Instant.now().minusSeconds(60));
        // no .ok beside it: that run exited with an error (a port in use), after loading a few hundred classes
        Path failed = Files.writeString(dir.resolve("app.jsa.4194305.tmp"), "a failed start's archive");

        new ClassDataArchive(dir.resolve("app.jsa"), jar, 17).jvmOptions();

        assertThat(failed).doesNotExist();
        assertThat(dir.resolve("app.jsa")).doesNotExist();
    }

    @Test
    void fromJava19TheJvmKeepsTheArchiveItself() throws Exception {
        Path jar = jar(Instant.now());

        assertThat(new ClassDataArchive(dir.resolve("app.jsa"), jar, 21).jvmOptions())
                .containsExactly("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + dir.resolve("app.jsa"),
                        "-Xlog:cds=error");
    }

    @Test
    void offWhenNotRunFromAJarOrNotConfigured() {
        assertThat(ClassDataArchive.of("app.jsa").jvmOptions()).as("tests run from classes").isEmpty();
        assertThat(new ClassDataArchive(null, null, 17).jvmOptions()).isEmpty();
        assertThat(ClassDataArchive.of("none").jvmOptions()).isEmpty();
    }

    private Path jar(Instant modified) throws Exception {
        Path jar = Files.writeString(dir.resolve("app.jar"), "jar");
        Files.setLastModifiedTime(jar, FileTime.from(modified));
        return jar;
    }
}
