package io.camelpipelines.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's temp directory, moved under the application's data directory. Libraries unpack native code and
 * scripts there (lz4, netty, vert.x's file cache, the PostgreSQL launcher): in the machine's shared /tmp those
 * files outlive the application and an earlier unpacking hides a broken one. It is emptied at start (a killed
 * run leaves files behind) and removed at stop.
 */
public final class TempDirectory {

    private TempDirectory() {
    }

    /** Must run before any library reads java.io.tmpdir: several cache it on first use. */
    public static Path install(Path dir) {
        try {
            Directories.delete(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupFailure("Cannot prepare the temp directory " + dir + ": " + e.getMessage()
                    + " (set pipelines.data-dir to a writable directory)");
        }
        System.setProperty("java.io.tmpdir", dir.toString());
        System.setProperty("vertx.cacheDirBase", dir.resolve("vertx-cache").toString());
        return dir;
    }

    public static void remove(Path dir) {
        try {
            Directories.delete(dir);
        } catch (IOException | RuntimeException e) {
            // a file still open by a stopping thread: the next start empties it
        }
    }
}
