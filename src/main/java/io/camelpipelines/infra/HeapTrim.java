package io.camelpipelines.infra;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

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
 */
public final class HeapTrim extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);

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
        System.gc();
        MemoryUsage after = heap();
        LOG.info("Heap after start: {} MB committed, {} MB of it live (was {} MB; pipelines.memory.max-heap-free-percent={})",
                after.getCommitted() >> 20, after.getUsed() >> 20, before >> 20, maxFree);
    }

    private static boolean commandLineSets(String flag) {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-XX:" + flag + "="));
    }

    private static MemoryUsage heap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    }
}
