package io.camelpipelines.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class HeapTrimTest {

    @Test
    void aSkippedCollectionIsAskedForAgainUntilTheCollectorCountsIt() {
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger collected = new AtomicInteger();
        // the first two requests come while a thread holds a JNI critical section: the JVM skips them
        Runnable gc = () -> {
            if (asked.incrementAndGet() > 2) {
                collected.incrementAndGet();
            }
        };
        assertThat(HeapTrim.collectFully(gc, collected::get, 10, Duration.ZERO)).isTrue();
        assertThat(asked.get()).isEqualTo(3);
        assertThat(collected.get()).isEqualTo(1);
    }

    @Test
    void aCollectionThatNeverRunsEndsAfterTheAttemptsAndSaysSo() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(HeapTrim.collectFully(asked::incrementAndGet, () -> 7, 4, Duration.ZERO)).isFalse();
        assertThat(asked.get()).isEqualTo(4);
    }

    @Test
    void aCollectorWithoutAFullCollectionCountIsAskedOnce() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(HeapTrim.collectFully(asked::incrementAndGet, () -> -1, 4, Duration.ZERO)).isTrue();
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void thisJvmsCollectorCountsTheFullCollectionsSystemGcRuns() {
        long before = HeapTrim.fullCollections();
        assertThat(before).as("full collections counted by " + collectorNames()).isNotNegative();
        assertThat(HeapTrim.collectFully(System::gc, HeapTrim::fullCollections, 10, Duration.ofMillis(50))).isTrue();
        assertThat(HeapTrim.fullCollections()).isGreaterThan(before);
    }

    private static java.util.List<String> collectorNames() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList();
    }
}
