package io.camelpipelines.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage and its reference loop measured again after their first measurement, in turns (loop, then stage), on the
 * same records in the same JVM, so that each ratio comes with its spread within the run. One pair on these two
 * shared cores moved by up to a third between runs: a checkpoint, an autovacuum or a collection lands in one side
 * and not the other. The median of the pairs' ratios is what one pair cannot be: robust to one of them.
 */
final class PairedRuns {

    /** One unrecorded run of a side over the stage's records, from an empty sink; returns its records/s. */
    interface Side {
        double run() throws Exception;
    }

    /** CPU nanoseconds so far of the threads one side consumes and writes with. */
    interface Cpu {
        long nanos();
    }

    private final List<Double> loopRates = new ArrayList<>();
    private final List<Double> stageRates = new ArrayList<>();
    private final List<Double> loopCpu = new ArrayList<>();
    private final List<Double> stageCpu = new ArrayList<>();

    private PairedRuns() {
    }

    /**
     * The first pair (already measured and recorded, its consumer CPU in s per 1M records given), then
     * {@code pairs - 1} more over {@code records} each, with the CPU of each side's consumer threads.
     */
    static PairedRuns measure(int pairs, long records, double[] first, double[] firstCpu, Side loop, Cpu loopThreads,
                              Side stage, Cpu stageThreads) throws Exception {
        PairedRuns runs = new PairedRuns();
        runs.add(first[0], first[1]);
        runs.loopCpu.add(firstCpu[0]);
        runs.stageCpu.add(firstCpu[1]);
        for (int i = 1; i < pairs; i++) {
            long c0 = loopThreads.nanos();
            double l = loop.run();
            runs.loopCpu.add((loopThreads.nanos() - c0) / 1e3 / records);
            // the stage's consumer threads start with its route: measured from its start to its end
            long c1 = stageThreads.nanos();
            double s = stage.run();
            runs.stageCpu.add((stageThreads.nanos() - c1) / 1e3 / records);
            runs.add(l, s);
            System.out.printf("  pair %d: loop %,.0f rec/s, stage %,.0f rec/s, ratio %.2f; consumer CPU s per 1M %.2f / %.2f%n",
                    i + 1, l, s, s / l, runs.loopCpu.get(i), runs.stageCpu.get(i));
        }
        return runs;
    }

    private void add(double loop, double stage) {
        if (!(loop > 0) || !(stage > 0)) {
            throw new IllegalArgumentException("a rate must be positive: loop " + loop + ", stage " + stage);
        }
        loopRates.add(loop);
        stageRates.add(stage);
    }

    List<Double> ratios() {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < loopRates.size(); i++) {
            ratios.add(stageRates.get(i) / loopRates.get(i));
        }
        return ratios;
    }

    /** The middle ratio; for an even count the mean of the two middle ones. */
    double medianRatio() {
        return median(ratios());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** What latest.json keeps of them. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pairs", loopRates.size());
        m.put("loop_records_per_s", loopRates.stream().map(Math::round).toList());
        m.put("stage_records_per_s", stageRates.stream().map(Math::round).toList());
        m.put("ratios", ratios().stream().map(r -> Math.round(r * 100) / 100.0).toList());
        m.put("loop_consumer_cpu_s_per_million", loopCpu.stream().map(c -> Math.round(c * 100) / 100.0).toList());
        m.put("stage_consumer_cpu_s_per_million", stageCpu.stream().map(c -> Math.round(c * 100) / 100.0).toList());
        m.put("median_ratio", Math.round(medianRatio() * 100) / 100.0);
        return m;
    }

    /** "1.01 (0.95–1.08)": the median and the range of the pairs' ratios. */
    String summary() {
        List<Double> ratios = ratios();
        double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format("%.2f (%.2f–%.2f)", medianRatio(), min, max);
    }
}
