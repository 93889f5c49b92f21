package io.camelpipelines.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Replaces this JVM, in the same process, by one started with the application's own JVM options. {@code java -jar}
 * cannot take options from the jar, and the ones that matter here (the collector, a class-data archive) cannot be
 * changed once a JVM runs. So the first thing {@code Start.main} does is {@code execve(2)} the same command line with
 * {@code pipelines.jvm.options} and the {@link ClassDataArchive} options in front of the user's own: the process
 * keeps its pid, its parent, its standard streams and its environment, so SIGTERM, SIGKILL, the exit code and
 * {@code kill -9 <pid>} in the crash tests mean what they meant; no second JVM waits beside it.
 * <p>
 * The user's JVM options win: one of the same kind given anywhere the JVM reads options (the command line, an
 * {@code @argfile}, {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}) drops the application's (any collector
 * over the application's collector, any class-data option over all of the application's). The command line and
 * the environment are handed over byte for byte, from {@code /proc/self}. A JVM that loaded agents or opened a
 * debug or JMX port before {@code main} is not replaced: those would run twice or find their port taken.
 * <p>
 * Nothing happens either when there is nothing to add, on a JVM already relaunched (it carries {@link #MARK} in
 * its environment), off Linux, or when the C library cannot be reached: then the application runs in this JVM, as
 * it did before, and says why in its log.
 */
public final class JvmRelaunch {

    /** Set in the relaunched JVM's environment to what was added, so it never relaunches again and can log it. */
    public static final String MARK = "CAMEL_PIPELINES_JVM_RELAUNCHED";

    /** The value that turns a setting off from the command line, where an empty one counts as not set. */
    public static final String NONE = "none";

    private static final List<String> BOUND_BEFORE_MAIN = List.of("-agentlib:", "-agentpath:", "-javaagent:",
            "-Xrunjdwp", "-Xdebug", "-Dcom.sun.management.jmxremote");

    private static String skipped = "not asked to (a command other than running the pipelines)";

    private JvmRelaunch() {
    }

    /** What the application's JVM options did, for the log of the JVM that runs the application. */
    public static String outcome() {
        String added = System.getenv(MARK);
        return added != null ? "JVM started with the application's options " + added
                : "JVM runs with its launcher's options only: " + skipped;
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
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            skipped = "the JVM is replaced on Linux only";
            return;
        }
        List<String> users = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Optional<String> bound = users.stream().filter(u -> BOUND_BEFORE_MAIN.stream().anyMatch(u::startsWith)).findFirst();
        if (bound.isPresent()) {
            skipped = bound.get().replaceAll("=.*", "=…") + " was given: an agent or port the JVM set up before main "
                    + "would run twice or find its port taken";
            return;
        }
        List<String> ours = new ArrayList<>(split(options));
        ours.addAll(archive.jvmOptions());
        List<String> added = optionsToAdd(ours, users);
        if (added.isEmpty()) {
            skipped = "nothing to add (pipelines.jvm.options: " + (split(options).isEmpty() ? NONE : options.trim())
                    + "; class-data archive: " + archive.describe() + "; the user's options win)";
            return;
        }
        try {
            Charset native_ = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
            List<byte[]> argv = nulSeparated(Files.readAllBytes(Path.of("/proc/self/cmdline")));
            List<byte[]> envp = nulSeparated(Files.readAllBytes(Path.of("/proc/self/environ")));
            envp.add((MARK + "=" + String.join(" ", added)).getBytes(native_));
            byte[] java = Path.of(System.getProperty("java.home"), "bin", "java").toString().getBytes(native_);
            List<byte[]> command = new ArrayList<>();
            command.add(java);
            added.forEach(option -> command.add(option.getBytes(native_)));
            command.addAll(argv.subList(1, argv.size()));

            System.setProperty("jna.tmpdir", tempDir.toString());
            Files.createDirectories(tempDir);
            // by its file name: a bare "c" has JNA run ldconfig to find it
            CLibrary c = Native.load(com.sun.jna.Platform.C_LIBRARY_NAME, CLibrary.class);
            closeOnExec(c);
            // a blocked signal stays blocked across execve (the JVM blocks SIGQUIT in its Java threads): unblock
            // all for the new image, and put the mask back if it does not come to that
            byte[] mask = new byte[128];
            c.sigprocmask(SIG_SETMASK, new byte[128], mask);
            c.execve(cString(java), cStrings(command), cStrings(envp));
            int errno = Native.getLastError();
            c.sigprocmask(SIG_SETMASK, mask, null);
            skipped = "execve failed with errno " + errno;
        } catch (Throwable t) {
            skipped = "the C library cannot be called (" + t + ")";
        }
    }

    /**
     * The application's options that no option the user gave already decides, in order. A smaller maximum heap
     * than the application's initial heap drops the latter too: the JVM would refuse the pair.
     */
    static List<String> optionsToAdd(List<String> ours, List<String> users) {
        List<String> add = new ArrayList<>();
        long usersMax = users.stream().filter(u -> kind(u).equals("MaxHeap")).reduce((a, b) -> b)
                .map(JvmRelaunch::size).orElse(Long.MAX_VALUE);
        for (String option : ours) {
            if (users.stream().anyMatch(u -> kind(u).equals(kind(option)))) {
                continue;
            }
            if (kind(option).equals("InitialHeap") && size(option) > usersMax) {
                continue;
            }
            add.add(option);
        }
        return add;
    }

    /** What an option decides: two options of one kind cannot both be the user's and the application's. */
    static String kind(String option) {
        if (option.startsWith("-Xshare:")) {
            return "ClassData";
        }
        if (option.startsWith("-Xms")) {
            return "InitialHeap";
        }
        if (option.startsWith("-Xmx")) {
            return "MaxHeap";
        }
        if (option.startsWith("-Xss") || option.startsWith("-Xmn")) {
            return option.substring(0, 4);
        }
        if (option.startsWith("-XX:")) {
            String flag = option.substring(4).replaceFirst("^[+-]", "").replaceFirst("=.*", "");
            if (flag.startsWith("Use") && flag.endsWith("GC")) {
                return "GC";
            }
            return switch (flag) {
                case "SharedArchiveFile", "ArchiveClassesAtExit", "AutoCreateSharedArchive" -> "ClassData";
                case "InitialHeapSize" -> "InitialHeap";
                case "MaxHeapSize" -> "MaxHeap";
                default -> flag;
            };
        }
        if (option.startsWith("-D")) {
            return option.replaceFirst("=.*", "");
        }
        return option;
    }

    /** Bytes of a size option's value ({@code -Xmx512m}, {@code -XX:MaxHeapSize=1g}); unknown: as large as can be. */
    static long size(String option) {
        String value = option.startsWith("-XX:") ? option.substring(option.indexOf('=') + 1) : option.substring(4);
        try {
            char unit = Character.toLowerCase(value.charAt(value.length() - 1));
            long shift = switch (unit) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
            return Long.parseLong(shift == 0 ? value : value.substring(0, value.length() - 1)) << shift;
        } catch (RuntimeException notASize) {
            return Long.MAX_VALUE;
        }
    }

    static List<String> split(String options) {
        return options == null || options.isBlank() || options.trim().equals(NONE) ? List.of()
                : List.of(options.trim().split("\\s+"));
    }

    /** /proc/self/cmdline and environ: NUL-terminated strings, empty ones included (an empty argument is one). */
    static List<byte[]> nulSeparated(byte[] bytes) {
        List<byte[]> parts = new ArrayList<>();
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b == 0) {
                parts.add(part.toByteArray());
                part.reset();
            } else {
                part.write(b);
            }
        }
        if (part.size() > 0) {
            parts.add(part.toByteArray());
        }
        return parts;
    }

    /** Files and sockets this JVM opened (the jar, JNA's library) must not stay open in the next one. */
    private static void closeOnExec(CLibrary c) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (int fd : fds.map(p -> Integer.parseInt(p.getFileName().toString())).filter(fd -> fd > 2).toList()) {
                c.fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
        }
    }

    private static Pointer cString(byte[] bytes) {
        Memory m = new Memory(bytes.length + 1L);
        m.write(0, bytes, 0, bytes.length);
        m.setByte(bytes.length, (byte) 0);
        return m;
    }

    private static Pointer[] cStrings(List<byte[]> strings) {
        Pointer[] array = new Pointer[strings.size() + 1];
        for (int i = 0; i < strings.size(); i++) {
            array[i] = cString(strings.get(i));
        }
        return array; // the last element stays null: the array's end for execve
    }

    private static final int SIG_SETMASK = 2;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    /** The calls of Linux's C library this needs. */
    public interface CLibrary extends Library {
        int sigprocmask(int how, byte[] set, byte[] oldset);

        int fcntl(int fd, int cmd, int arg);

        int execve(Pointer path, Pointer[] argv, Pointer[] envp);
    }
}
