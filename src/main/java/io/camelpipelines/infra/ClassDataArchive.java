package io.camelpipelines.infra;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The application's class-data archive: the classes a run loaded, parsed and verified, written to a file beside the
 * jar when the application stops and mapped by the next JVM that runs the same jar, which then skips most of that
 * work (14,000 of the start's 17,000 classes come from the jar). It is what {@code -XX:+AutoCreateSharedArchive} does
 * from Java 19 on, and there this class asks exactly that of the JVM. On Java 17 and 18 it does the same by hand:
 * <ul>
 * <li>the archive is used only by the jar and the JVM it was made for: its key file ({@code <archive>.key}: the
 * jar's size and time, the JVM's version and home) must match, or it is deleted and made again;</li>
 * <li>without one, the JVM is asked to write one when it stops, under a name of its own
 * ({@code <archive>.<pid>.tmp}): several instances of one jar may stop at once, and a JVM killed while writing
 * leaves half a file. A run that stops normally (exit code 0) says so in {@code <archive>.<pid>.tmp.ok}: a start
 * that failed (a port in use) would leave an archive of a few hundred classes;</li>
 * <li>at the next start, such a file whose writer has ended is checked by a JVM that must map it
 * ({@code -Xshare:on}, which also checks the jar and the JVM) and only then renamed to the archive; one that does
 * not map is deleted.</li>
 * </ul>
 * Nothing is archived when the application does not run from a jar (tests, an IDE); a directory it cannot write
 * to keeps the archive it has, and gets none when it has none.
 */
public final class ClassDataArchive {

    private static final String TMP = ".tmp";
    private static final String OK = ".ok";
    private static final String ARCHIVE_AT_EXIT = "-XX:ArchiveClassesAtExit=";
    // writing an archive, the JVM warns of every class it cannot keep (old bytecode, generated accessors): 130 lines
    private static final String QUIET = "-Xlog:cds=error";

    private final Path archive;
    private final Path jar;
    private final int javaFeature;
    private String state = "none";

    ClassDataArchive(Path archive, Path jar, int javaFeature) {
        this.archive = archive;
        this.jar = jar;
        this.javaFeature = javaFeature;
    }

    /**
     * {@code setting} is {@code pipelines.jvm.class-data-archive}: a file name, resolved against the jar's directory
     * when relative; {@code none} (or empty) turns archiving off.
     */
    public static ClassDataArchive of(String setting) {
        Path jar = runningJar();
        if (setting == null || setting.isBlank() || setting.trim().equals(JvmRelaunch.NONE) || jar == null) {
            ClassDataArchive off = new ClassDataArchive(null, jar, Runtime.version().feature());
            off.state = jar == null ? "not running from a jar" : "none";
            return off;
        }
        return new ClassDataArchive(jar.resolveSibling(setting.trim()), jar, Runtime.version().feature());
    }

    /** The options that make the next JVM use the archive, or write it; none when archiving is off. */
    public List<String> jvmOptions() {
        if (archive == null) {
            return List.of();
        }
        boolean writable = Files.isWritable(archive.toAbsolutePath().getParent());
        if (javaFeature >= 19) {
            return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, QUIET);
        }
        if (writable) {
            promoteFinished();
        }
        try {
            if (Files.isRegularFile(archive) && key().equals(readKey())) {
                state = "mapped";
                return List.of("-XX:SharedArchiveFile=" + archive);
            }
            if (!writable) {
                state = archive.getParent() + " is not writable";
                return List.of();
            }
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            state = "unreadable (" + e.getMessage() + ")";
            return List.of();
        }
        state = "written at the stop";
        return List.of(ARCHIVE_AT_EXIT + archive + "." + ProcessHandle.current().pid() + TMP, QUIET);
    }

    /** Where the archive stands, for the log. */
    String describe() {
        return state;
    }

    /**
     * Called as the application exits: a JVM writing an archive at its exit marks it as the archive of a whole run
     * when the run ended well; otherwise it will be deleted.
     */
    public static void markRunEnded(int exitCode) {
        if (exitCode != 0) {
            return;
        }
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith(ARCHIVE_AT_EXIT))
                .findFirst().ifPresent(option -> {
                    try {
                        Files.writeString(Path.of(option.substring(ARCHIVE_AT_EXIT.length()) + OK), "exit 0\n");
                    } catch (IOException e) {
                        // the archive is not kept: the next start writes one again
                    }
                });
    }

    /** Renames the newest archive a stopped JVM wrote to the archive, once a JVM mapped it; deletes the others. */
    private void promoteFinished() {
        List<Path> written = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(archive.getParent(),
                archive.getFileName() + ".*" + TMP)) {
            files.forEach(written::add);
        } catch (IOException e) {
            return;
        }
        written.sort((a, b) -> lastModified(b).compareTo(lastModified(a)));
        boolean promoted = false;
        for (Path file : written) {
            if (writerRunning(file)) {
                continue;
            }
            Path ok = Path.of(file + OK);
            try {
                if (!promoted && Files.exists(ok) && maps(file)) {
                    Files.move(file, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    Files.writeString(keyFile(), key());
                    promoted = true;
                } else {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(ok);
            } catch (IOException | InterruptedException another) {
                // another instance starting at the same moment took it
            }
        }
    }

    /** What an archive belongs to: this jar (its size and time) and this JVM. */
    private String key() throws IOException {
        return Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " "
                + System.getProperty("java.vm.version") + " " + System.getProperty("java.home") + "\n";
    }

    private String readKey() throws IOException {
        return Files.exists(keyFile()) ? Files.readString(keyFile()) : "";
    }

    private Path keyFile() {
        return Path.of(archive + ".key");
    }

    private boolean writerRunning(Path file) {
        String name = file.getFileName().toString();
        String pid = name.substring(archive.getFileName().toString().length() + 1, name.length() - TMP.length());
        try {
            long writer = Long.parseLong(pid);
            return writer != ProcessHandle.current().pid() && ProcessHandle.of(writer).isPresent();
        } catch (NumberFormatException notOurs) {
            return true;
        }
    }

    /** A JVM that must map the archive ({@code -Xshare:on}) and exits with an error when it cannot. */
    private boolean maps(Path file) throws IOException, InterruptedException {
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + file, "-cp", System.getProperty("java.class.path"), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!check.waitFor(30, TimeUnit.SECONDS)) {
            check.destroyForcibly();
            return false;
        }
        return check.exitValue() == 0;
    }

    private static java.nio.file.attribute.FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException gone) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** The jar this class was loaded from, or null when it was not loaded from a jar. */
    private static Path runningJar() {
        try {
            Path location = Path.of(ClassDataArchive.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toString().endsWith(".jar") && Files.isRegularFile(location) ? location : null;
        } catch (Exception unknown) {
            return null;
        }
    }
}
