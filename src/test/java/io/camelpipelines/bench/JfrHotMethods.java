package io.camelpipelines.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a recording's CPU samples went, for the threads whose names match a pattern: the methods on top of the
 * stack (self) and the methods anywhere in it (total), in percent of the samples. Reads the recording the benchmark
 * writes with {@code -Dbench.jvm-arg=-XX:StartFlightRecording=filename=target/bench.jfr,settings=profile}:
 * {@code java -cp target/test-classes io.camelpipelines.bench.JfrHotMethods target/bench.jfr 'KafkaConsumer\[clickstream\]' 25}
 */
public final class JfrHotMethods {

    public static void main(String[] args) throws Exception {
        Pattern threads = Pattern.compile(args.length > 1 ? args[1] : ".*");
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        // the first frame of this project's or Camel's code under each sample: who asked for the work
        Map<String, Integer> caller = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
                    || !threads.matcher(e.getThread("sampledThread").getJavaName()).find()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                self.merge(name(frames.get(0)), 1, Integer::sum);
            }
            frames.stream().map(JfrHotMethods::name).filter(n -> n.startsWith("io.camelpipelines")
                    || n.startsWith("org.apache.camel")).findFirst().ifPresent(n -> caller.merge(n, 1, Integer::sum));
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                if (seen.add(name(f))) {
                    total.merge(name(f), 1, Integer::sum);
                }
            }
        }
        System.out.printf("%,d samples of threads matching %s%n", samples, threads);
        print("self", self, samples, top);
        print("total", total, samples, top);
        print("first project or Camel frame", caller, samples, top);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String what, Map<String, Integer> counts, int samples, int top) {
        System.out.println("\n" + what + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(x -> System.out.printf("%5.1f%%  %s%n", 100.0 * x.getValue() / samples, x.getKey()));
    }
}
