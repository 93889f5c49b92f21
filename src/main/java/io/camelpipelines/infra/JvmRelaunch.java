package io.camelpipelines.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Replaces this JVM, in the same process, by one started with the application's own JVM options. {@code java -jar}
 * cannot take options from the jar, and the ones that matter here (the collector, a class-data archive) cannot be
 * changed once a JVM runs. So the first thing {@code Start.main} does is {@code execve(2)} the same command line with
 * {@code pipelines.jvm.options} and the {@link ClassDataArchive} options in front of the user's own: the process
 * keeps its pid, its parent, its standard streams and its environment, so SIGTERM, SIGKILL, the exit code and
 * {@code kill -9 <pid>} in the crash tests mean what they meant; no second JVM waits beside it. An option the user
 * gave wins over the application's of the same name (any collector the user chose wins over the application's).
 * <p>
 * Nothing happens when both settings are {@code none} (or empty in a file), on a JVM already relaunched (it carries {@link #MARK} in its
 * environment), off Linux and macOS, or when the C library cannot be reached: then the application runs in this
 * JVM, as it did before, and says why in its log.
 */
public final class JvmRelaunch {

    /** Set in the relaunched JVM's environment to what was added, so it never relaunches again and can log it. */
    public static final String MARK = "CAMEL_PIPELINES_JVM_RELAUNCHED";

    private JvmRelaunch() {
    }

    /** The value that turns a setting off from the command line, where an empty one counts as not set. */
    public static final String NONE = "none";

    private static String skipped = "pipelines.jvm.options and pipelines.jvm.class-data-archive are none";

    /** What the application's JVM options did, for the log of the JVM that runs the application. */
    public static String outcome() {
        String added = System.getenv(MARK);
        if (added == null) {
            return "JVM runs with its launcher's options only (" + skipped + ")";
        }
        return "JVM started with the application's options " + added;
    }

    /**
     * Never returns when the JVM was replaced. {@code tempDir} receives JNA's native library (it is unpacked before
     * the C library can be called).
     */
    public static void relaunchIfConfigured(String options, ClassDataArchive archive, Path tempDir) {
        if (System.getenv(MARK) != null) {
            return;
        }
        // only the application's own command line is started again, never a JVM that merely calls its main (a test)
        String main = System.getProperty("sun.java.command", "").split(" ")[0];
        if (!main.endsWith(".jar") && !main.equals("io.camelpipelines.Start")) {
            skipped = "the JVM was not started to run the application (" + main + ")";
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (!os.contains("linux") && !os.contains("mac")) {
            skipped = "relaunching needs execve, which " + System.getProperty("os.name") + " does not have";
            return;
        }
        List<String> ours = new ArrayList<>(split(options));
        ours.addAll(archive.jvmOptions());
        if (ours.isEmpty()) {
            return;
        }
        Optional<List<String>> launched = ProcessHandle.current().info().arguments().map(List::of);
        if (launched.isEmpty()) {
            skipped = "this JVM's own command line cannot be read";
            return;
        }
        List<String> command = command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), ours,
                launched.get());
        List<String> added = command.subList(1, command.size() - launched.get().size());
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.put(MARK, String.join(" ", added));
        try {
            System.setProperty("jna.tmpdir", tempDir.toString());
            Files.createDirectories(tempDir);
            // by its file name: a bare "c" has JNA run ldconfig to find it
            CLibrary c = Native.load(com.sun.jna.Platform.C_LIBRARY_NAME, CLibrary.class);
            // a blocked signal stays blocked across execve (the JVM blocks SIGQUIT in its Java threads): unblock all
            // (SIG_SETMASK is 2 on Linux, 3 on macOS)
            c.sigprocmask(os.contains("mac") ? 3 : 2, new byte[128], null);
            c.execve(command.get(0), command.toArray(String[]::new),
                    env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new));
            skipped = "execve failed with errno " + Native.getLastError();
        } catch (Throwable t) {
            skipped = "the C library cannot be called (" + t + ")";
        }
    }

    /**
     * {@code java}, the application's options that the user's did not name, then the user's arguments as given
     * (their JVM options, {@code -jar app.jar}, the application's arguments).
     */
    static List<String> command(String java, List<String> ours, List<String> launched) {
        int jvmEnd = 0;
        while (jvmEnd < launched.size() && launched.get(jvmEnd).startsWith("-") && !launched.get(jvmEnd).equals("-jar")
                && !launched.get(jvmEnd).equals("-cp") && !launched.get(jvmEnd).equals("-classpath")) {
            jvmEnd++;
        }
        List<String> users = launched.subList(0, jvmEnd);
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String option : ours) {
            if (users.stream().noneMatch(u -> name(u).equals(name(option)))) {
                command.add(option);
            }
        }
        command.addAll(launched);
        return command;
    }

    /** What makes two options the same one: the flag's name ({@code -XX:+UseSerialGC} and {@code -XX:-UseG1GC} both "GC"). */
    static String name(String option) {
        if (option.startsWith("-XX:+") || option.startsWith("-XX:-")) {
            String flag = option.substring(5);
            return flag.startsWith("Use") && flag.endsWith("GC") ? "GC" : flag;
        }
        if (option.startsWith("-XX:")) {
            int eq = option.indexOf('=');
            return eq < 0 ? option.substring(4) : option.substring(4, eq);
        }
        if (option.startsWith("-Xms") || option.startsWith("-Xmx") || option.startsWith("-Xss")
                || option.startsWith("-Xmn")) {
            return option.substring(0, 4);
        }
        if (option.startsWith("-D")) {
            int eq = option.indexOf('=');
            return eq < 0 ? option : option.substring(0, eq);
        }
        return option;
    }

    static List<String> split(String options) {
        return options == null || options.isBlank() || options.trim().equals(NONE) ? List.of()
                : List.of(options.trim().split("\\s+"));
    }

    /** The two calls of the C library this needs. */
    public interface CLibrary extends Library {
        int sigprocmask(int how, byte[] set, byte[] oldset);

        int execve(String path, String[] argv, String[] envp);
    }
}
