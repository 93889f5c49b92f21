package io.camelpipelines.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class NativeHeapTrimTest {

    @Test
    void whatEachTrimGaveBackIsAddedUp() {
        AtomicInteger asked = new AtomicInteger();
        String[] answers = {"Trim native heap: RSS+Swap: 618M->571M (-48364K)\n",
                "Trim native heap: RSS+Swap: 841M->808M (-33880K)\n",
                // memory another thread allocated while it trimmed: nothing given back, nothing subtracted
                "Trim native heap: RSS+Swap: 600M->601M (+1024K)\n",
                // under 100 MB the JVM counts in K, under 100 KB in bytes
                "Trim native heap: RSS+Swap: 101476K->100136K (-1340K)\n",
                "Trim native heap: RSS+Swap: 2G->1G (-1G)\n",
                "Trim native heap: RSS+Swap: 90000K->89990K (-10240B)\n",
                // trimmed, without the sizes (no /proc to read them from)
                "Trim native heap: (no details available).\n"};
        NativeHeapTrim trim = new NativeHeapTrim(() -> Optional.of(answers[asked.getAndIncrement()]));
        for (int i = 0; i < answers.length; i++) {
            assertThat(trim.trimNow(i == 0)).as(answers[i]).isTrue();
        }
        assertThat(trim.trims()).isEqualTo(answers.length);
        assertThat(trim.releasedKb()).isEqualTo(48364 + 33880 + 1340 + 1024 * 1024 + 10);
    }

    @Test
    void aJvmThatCannotTrimIsNotAskedAgain() {
        // the JVM's answer on a C library without malloc_trim, and on a JDK without the command
        assertThat(new NativeHeapTrim(() -> Optional.of("Not available.\n")).trimNow(true)).isFalse();
        assertThat(new NativeHeapTrim(Optional::empty).trimNow(true)).isFalse();
        assertThat(new NativeHeapTrim(() -> {
            throw new SecurityException("no MBean server for this application");
        }).trimNow(true)).isFalse();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisJvmTrimsWhenAskedThroughItsDiagnosticCommands() {
        Optional<String> answer = NativeHeapTrim.askTheJvm();
        assertThat(answer).hasValueSatisfying(a -> assertThat(a).containsPattern("RSS\\+Swap: \\d+[BKMG]->\\d+[BKMG]"));
        NativeHeapTrim trim = new NativeHeapTrim();
        assertThat(trim.trimNow(true)).isTrue();
        assertThat(trim.trims()).isEqualTo(1);
    }
}
