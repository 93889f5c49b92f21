package io.camelpipelines.common;

/**
 * How many records a simulator owes at a steady rate since it was last asked, so that timer jitter
 * and slow ticks do not change the rate; at most five seconds' worth accumulate.
 */
public class RatePacer {

    private final double ratePerSecond;
    private final java.util.function.LongSupplier nanoClock;
    private long lastNanos;
    private double owed;

    public RatePacer(double ratePerSecond) {
        this(ratePerSecond, System::nanoTime);
    }

    RatePacer(double ratePerSecond, java.util.function.LongSupplier nanoClock) {
        this.ratePerSecond = ratePerSecond;
        this.nanoClock = nanoClock;
        this.lastNanos = nanoClock.getAsLong();
    }

    public synchronized int due() {
        long now = nanoClock.getAsLong();
        owed = Math.min(owed + (now - lastNanos) / 1e9 * ratePerSecond, ratePerSecond * 5);
        lastNanos = now;
        int n = (int) owed;
        owed -= n;
        return n;
    }
}
