package io.camelpipelines.infra;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the heap the start needed and the run does not. Starting the embedded brokers, PostgreSQL's client
 * side and Camel allocates some 400 MB that is garbage a moment later, and the JVM keeps the heap it grew to (up to
 * 70 % free, its default), while the pipelines then live in about 200 MB. Once everything started, this lowers the
 * free share the JVM may keep ({@code pipelines.memory.max-heap-free-percent}; the JVM lets a running application
 * change it) and collects once, so the heap shrinks to what is live plus that share. Under load the JVM grows the
 * heap again as it needs: this bounds what an idle or lightly loaded run holds, not what a busy one may use.
 * {@code -XX:MaxHeapFreeRatio} on the command line wins: it is then left alone.
 * <p>
 * {@code System.gc()} may do nothing: the JVM skips the collection while a thread is inside a JNI critical section
 * (inflating a class from the jar, a CRC), and the starting brokers and pollers are busy then. A trim that kept the
 * whole start-up heap was seen once in about twenty starts ("270 MB committed ... (was 270 MB)"), so the full
 * collection is asked for again until the collector's count shows it ran.
 */
public final class HeapTrim extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);
    private static final int ATTEMPTS = 10;

    @Override
    public void afterStart(BaseMainSupport main) {
        Settings settings = new Settings(main.getCamelContext().getPropertiesComponent());
        int maxFree = settings.getInt("pipelines.memory.max-heap-free-percent", 30);
        if (maxFree <= 0 || maxFree >= 100 || commandLineSets("MaxHeapFreeRatio")) {
            return;
        }
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            // MinHeapFreeRatio must stay below the new maximum, or the JVM refuses it
            vm.setVMOption("MinHeapFreeRatio", String.valueOf(Math.min(10, maxFree - 1)));
            vm.setVMOption("MaxHeapFreeRatio", String.valueOf(maxFree));
        } catch (IllegalArgumentException | UnsupportedOperationException notThisJvm) {
            LOG.info("Heap not trimmed: this JVM does not let a running application set its heap free ratios ({})",
                    notThisJvm.getMessage());
            return;
        }
        long before = heap().getCommitted();
        if (!collectFully(System::gc, HeapTrim::fullCollections, ATTEMPTS, Duration.ofMillis(200))) {
            LOG.info("Heap not trimmed: the JVM skipped {} full collections in a row (committed {} MB)", ATTEMPTS,
                    before >> 20);
            return;
        }
        if (dampsShrinking()) {
            // the serial collector gives back none of the excess at the first System.gc() in a row, then 10 %, 40 %
            // and all of it at the fourth (so a program that collects between phases does not shrink only to grow)
            for (int more = 0; more < 3; more++) {
                collectFully(System::gc, HeapTrim::fullCollections, ATTEMPTS, Duration.ofMillis(200));
            }
        }
        MemoryUsage after = heap();
        LOG.info("Heap after start: {} MB committed, {} MB of it live (was {} MB; pipelines.memory.max-heap-free-percent={})",
                after.getCommitted() >> 20, after.getUsed() >> 20, before >> 20, maxFree);
    }

    /**
     * Runs {@code gc} until {@code fullCollections} rises, at most {@code attempts} times, pausing between tries.
     * A collector that counts no full collections ({@code fullCollections} always -1) is asked once.
     */
    static boolean collectFully(Runnable gc, LongSupplier fullCollections, int attempts, Duration pause) {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            long before = fullCollections.getAsLong();
            gc.run();
            if (before < 0 || fullCollections.getAsLong() > before) {
                return true;
            }
            LockSupport.parkNanos(pause.toNanos());
        }
        return false;
    }

    /** Full collections so far, by the collector that does them (G1's "Old Generation"), or -1 if none says so. */
    static long fullCollections() {
        List<GarbageCollectorMXBean> full = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(c -> c.getName().contains("Old") || c.getName().contains("MarkSweep")).toList();
        return full.isEmpty() ? -1 : full.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /** The serial collector's old generation ("MarkSweepCompact"). */
    static boolean dampsShrinking() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(c -> c.getName().equals("MarkSweepCompact"));
    }

    private static boolean commandLineSets(String flag) {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-XX:" + flag + "="));
    }

    private static MemoryUsage heap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    }
}
