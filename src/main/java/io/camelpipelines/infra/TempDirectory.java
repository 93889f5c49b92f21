package io.camelpipelines.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JVM's temp directory, moved under the application's data directory. Libraries unpack native code and
 * scripts there (lz4, netty, vert.x's file cache, the PostgreSQL launcher): in the machine's shared /tmp those
 * files outlive the application and an earlier unpacking hides a broken one. Each running instance has its own,
 * {@code <data-dir>/tmp/<pid>}, held by a lock: at start every other one whose lock is free (its process ended,
 * killed or not) is deleted, and an instance's own is removed at stop. Instances sharing a data directory (against
 * external services) never touch each other's.
 */
public final class TempDirectory {

    private static final String LOCK = ".owner";
    private static FileLock held;

    private TempDirectory() {
    }

    /** Must run before any library reads java.io.tmpdir: several cache it on first use. */
    public static Path install(Path root) {
        long pid = ProcessHandle.current().pid();
        Path dir = root.resolve(String.valueOf(pid));
        try {
            Files.createDirectories(root);
            sweep(root);
            Directories.delete(dir);
            Files.createDirectories(dir);
            held = FileLock.tryAcquire(dir.resolve(LOCK), "pid " + pid).orElseThrow(() ->
                    new IOException("its lock is held by another process"));
        } catch (IOException e) {
            throw new StartupFailure("Cannot prepare the temp directory " + dir + ": " + e.getMessage()
                    + " (set pipelines.data-dir to a writable directory)");
        }
        System.setProperty("java.io.tmpdir", dir.toString());
        System.setProperty("vertx.cacheDirBase", dir.resolve("vertx-cache").toString());
        return dir;
    }

    /** Deletes what ended instances left: every directory (or stray file) whose lock nobody holds. */
    private static void sweep(Path root) throws IOException {
        try (var entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                if (!Files.isDirectory(entry)) {
                    Files.deleteIfExists(entry);
                    continue;
                }
                if (!Files.exists(entry.resolve(LOCK))) {
                    // an older layout, or an instance starting this very moment: the latter is seconds old
                    if (Files.getLastModifiedTime(entry).toInstant().isBefore(java.time.Instant.now().minusSeconds(60))) {
                        Directories.delete(entry);
                    }
                    continue;
                }
                Optional<FileLock> free = FileLock.tryAcquire(entry.resolve(LOCK), "sweeping");
                if (free.isPresent()) {
                    free.get().close();
                    Directories.delete(entry);
                }
            }
        }
    }

    public static void remove(Path dir) {
        if (held != null) {
            held.close();
            held = null;
        }
        try {
            Directories.delete(dir);
            // the last instance out removes the parent too
            Files.deleteIfExists(dir.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException othersStillRun) {
            // another instance's temp directory is in it
        } catch (IOException | RuntimeException e) {
            // a file still open by a stopping thread: the next start deletes it
        }
    }
}
