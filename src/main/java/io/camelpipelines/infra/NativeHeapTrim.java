package io.camelpipelines.infra;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the C library's free memory back to the system, now and then. Memory the JVM allocates outside its heap
 * (the JIT compilers' arenas, zip inflaters, the Kafka clients' and brokers' native buffers) comes from glibc's
 * malloc, which keeps what was freed in its per-thread arenas for the next allocation instead of returning it. With
 * some 240 threads that is tens of MB: in one run, 48 MB at four minutes and 34 MB at ten were free but resident.
 * This asks the JVM's own {@code System.trim_native_heap} (as {@code jcmd} does, through the diagnostic command
 * MBean) once at the start and then every {@code pipelines.memory.trim-native-heap-interval} (0 turns it off). On a
 * JVM or C library without it (musl, older JDKs) the JVM says so and this stops asking. Under steady load the
 * arenas fill again within seconds, so it lowers RSS by less than it gives back (10-26 MB measured against the
 * services) and a shorter interval gains nothing; idle, what it gives back stays given back. The first trim is logged;
 * the later ones are counted in {@code /observe/metrics}: {@code pipelines_memory_native_trim_seconds_count} and
 * {@code _sum}, {@code pipelines_memory_native_released_bytes_total}.
 */
public final class NativeHeapTrim extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(NativeHeapTrim.class);
    // the JVM writes each size in the unit that suits it: "RSS+Swap: 618M->571M (-48364K)", "101476K->100136K (-1340K)"
    private static final String SIZE = "([+-]?\\d+)([BKMG])";
    private static final Pattern RESULT = Pattern.compile("RSS\\+Swap: " + SIZE + "->" + SIZE + " \\(" + SIZE + "\\)");

    private final Supplier<Optional<String>> trim;
    private final AtomicLong trims = new AtomicLong();
    private final AtomicLong releasedKb = new AtomicLong();
    private final AtomicLong trimNanos = new AtomicLong();

    public NativeHeapTrim() {
        this(NativeHeapTrim::askTheJvm);
    }

    NativeHeapTrim(Supplier<Optional<String>> trim) {
        this.trim = trim;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext camel = main.getCamelContext();
        Duration every = new Settings(camel.getPropertiesComponent())
                .getDuration("pipelines.memory.trim-native-heap-interval", Duration.ofMinutes(1));
        if (every.isZero() || every.isNegative() || !trimNow(true)) {
            return;
        }
        MeterRegistry metrics = camel.getRegistry().findSingleByType(MeterRegistry.class);
        if (metrics != null) {
            FunctionTimer.builder("pipelines.memory.native.trim", this, t -> t.trims.get(), t -> t.trimNanos.get(),
                    TimeUnit.NANOSECONDS).description("Trims of the C library's freed memory, and the time they took")
                    .register(metrics);
            FunctionCounter.builder("pipelines.memory.native.released", releasedKb, kb -> kb.get() * 1024.0)
                    .baseUnit("bytes").description("Resident memory those trims gave back").register(metrics);
        }
        ScheduledExecutorService scheduler =
                camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "NativeHeapTrim");
        scheduler.scheduleWithFixedDelay(() -> {
            if (!trimNow(false)) {
                scheduler.shutdown();
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Trims once and logs what it gave back: the first time, or a refusal, at INFO. False when this JVM cannot trim,
     * so there is no point in asking again.
     */
    boolean trimNow(boolean first) {
        long start = System.nanoTime();
        Optional<String> answer;
        try {
            answer = trim.get();
        } catch (RuntimeException e) {
            LOG.info("Native heap not trimmed: {}", e.toString());
            return false;
        }
        long nanos = System.nanoTime() - start;
        if (answer.filter(a -> a.startsWith("Trim native heap:")).isEmpty()) {
            LOG.info("Native heap not trimmed: the JVM answered {}", answer.map(String::strip).orElse("nothing"));
            return false;
        }
        trims.incrementAndGet();
        trimNanos.addAndGet(nanos);
        Matcher m = RESULT.matcher(answer.get());
        if (!m.find()) {
            // trimmed, but the JVM could not read the process's size ("(no details available).")
            LOG.debug("Native heap trimmed in {} ms: {}", TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0,
                    answer.get().strip());
            return true;
        }
        long released = -kilobytes(m, 5);
        releasedKb.addAndGet(Math.max(0, released));
        String line = "Native heap trimmed in {} ms: RSS {} MB -> {} MB ({} MB given back, {} MB in {} trims)";
        Object[] args = {TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0, kilobytes(m, 1) >> 10, kilobytes(m, 3) >> 10,
                released >> 10, releasedKb.get() >> 10, trims.get()};
        if (first) {
            LOG.info(line, args);
        } else {
            LOG.debug(line, args);
        }
        return true;
    }

    private static long kilobytes(Matcher m, int group) {
        long value = Long.parseLong(m.group(group));
        return switch (m.group(group + 1)) {
            case "B" -> value / 1024;
            case "M" -> value << 10;
            case "G" -> value << 20;
            default -> value;
        };
    }

    long trims() {
        return trims.get();
    }

    long releasedKb() {
        return releasedKb.get();
    }

    /** {@code jcmd <pid> System.trim_native_heap}, from inside: empty when this JVM has no such command. */
    static Optional<String> askTheJvm() {
        try {
            ObjectName commands = new ObjectName("com.sun.management:type=DiagnosticCommand");
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(commands, "systemTrimNativeHeap",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return Optional.ofNullable((String) out);
        } catch (JMException noSuchCommand) {
            return Optional.empty();
        }
    }
}
