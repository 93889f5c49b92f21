package io.camelpipelines.infra;

import java.io.IOException;
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
 * <li>an archive older than the jar (a rebuild) or the JDK (an update) is deleted, because the JVM would refuse
 * it;</li>
 * <li>without one, the JVM is asked to write one when it stops, under a name of its own
 * ({@code <archive>.<pid>.tmp}): several instances of one jar may stop at once, and a JVM killed while writing
 * leaves half a file;</li>
 * <li>at the next start, such a file whose writer has ended is checked by a JVM that must map it
 * ({@code -Xshare:on}) and only then renamed to the archive; one that does not map is deleted.</li>
 * </ul>
 * Nothing is archived when the application does not run from a jar (tests, an IDE) or the jar's directory cannot
 * be written.
 */
public final class ClassDataArchive {

    private static final String TMP = ".tmp";
    // writing an archive, the JVM warns of every class it cannot keep (old bytecode, generated accessors): 130 lines
    private static final String QUIET = "-Xlog:cds=error";
    // an archive belongs to one build of the JVM too: an updated JDK replaces its modules file
    private static final Path JDK_MODULES = Path.of(System.getProperty("java.home"), "lib", "modules");

    private final Path archive;
    private final Path jar;
    private final int javaFeature;

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
            return new ClassDataArchive(null, jar, Runtime.version().feature());
        }
        return new ClassDataArchive(jar.resolveSibling(setting.trim()), jar, Runtime.version().feature());
    }

    /** The options that make the next JVM use the archive, or write it; none when archiving is off. */
    public List<String> jvmOptions() {
        if (archive == null || !Files.isWritable(archive.toAbsolutePath().getParent())) {
            return List.of();
        }
        if (javaFeature >= 19) {
            return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, QUIET);
        }
        try {
            promoteFinished();
            if (Files.isRegularFile(archive) && lastModified(archive).compareTo(lastModified(jar)) > 0
                    && lastModified(archive).compareTo(lastModified(JDK_MODULES)) > 0) {
                return List.of("-XX:SharedArchiveFile=" + archive);
            }
            Files.deleteIfExists(archive);
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
        return List.of("-XX:ArchiveClassesAtExit=" + archive + "." + ProcessHandle.current().pid() + TMP, QUIET);
    }

    /** Renames the newest archive a stopped JVM wrote to the archive, once a JVM mapped it; deletes the others. */
    private void promoteFinished() throws IOException, InterruptedException {
        List<Path> written = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(archive.getParent(),
                archive.getFileName() + ".*" + TMP)) {
            files.forEach(written::add);
        }
        written.sort((a, b) -> lastModified(b).compareTo(lastModified(a)));
        boolean promoted = false;
        for (Path file : written) {
            if (writerRunning(file)) {
                continue;
            }
            if (!promoted && lastModified(file).compareTo(lastModified(jar)) > 0 && maps(file)) {
                Files.move(file, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                promoted = true;
            } else {
                Files.deleteIfExists(file);
            }
        }
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
