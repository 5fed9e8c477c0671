package dev.relay.bench;

import java.util.Arrays;

/** Publish-to-receipt latencies in nanoseconds, recorded from many threads. */
final class Latencies {

    private long[] values = new long[1 << 16];
    private int count;

    synchronized void record(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = nanos;
    }

    synchronized int count() {
        return count;
    }

    /** The value at quantile q (0..1), in milliseconds. */
    synchronized double percentileMillis(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.ceil(q * count) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }
}
