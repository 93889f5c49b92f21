package io.camelpipelines.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU time of the threads that consume and write, the pipeline's and the hand loops' alike, without the rest of the
 * benchmark's JVM (the Kafka broker serving them, the producer, the JIT, the collector). The whole JVM's CPU varied by
 * a factor of two between runs of the same code on these shared cores; this is the part where Camel's own work per
 * record shows.
 */
final class ConsumerCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final LongAdder LOOPS = new LongAdder();

    private ConsumerCpu() {
    }

    /** Runs a hand loop's work on this thread, adding the thread's CPU time for it to the loops' total. */
    static <T> T measured(Callable<T> work) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            return work.call();
        } finally {
            LOOPS.add(THREADS.getCurrentThreadCpuTime() - start);
        }
    }

    /** CPU nanoseconds of every hand loop's consumers so far, those that ended included. */
    static long loops() {
        return LOOPS.sum();
    }

    /** CPU nanoseconds of the live threads camel-kafka consumes with ("… KafkaConsumer[topic]"), since they started. */
    static long pipelines() {
        long total = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains("KafkaConsumer[")) {
                long cpu = THREADS.getThreadCpuTime(t.getThreadId());
                total += Math.max(cpu, 0);
            }
        }
        return total;
    }
}
