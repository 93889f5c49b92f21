package io.camelpipelines.common;

/**
 * How many records a simulator owes at a steady rate since it was last asked, so that timer jitter
 * and slow ticks do not change the rate; at most five seconds' worth accumulate.
 */
public class RatePacer {

    private final double ratePerSecond;
    private long lastNanos = System.nanoTime();
    private double owed;

    public RatePacer(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    public synchronized int due() {
        long now = System.nanoTime();
        owed = Math.min(owed + (now - lastNanos) / 1e9 * ratePerSecond, ratePerSecond * 5);
        lastNanos = now;
        int n = (int) owed;
        owed -= n;
        return n;
    }
}
