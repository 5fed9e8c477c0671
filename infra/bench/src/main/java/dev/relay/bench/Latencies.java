package dev.relay.bench;

import java.util.Arrays;

/** Publish-to-receipt latencies in nanoseconds, recorded from many threads. */
final class Latencies {

    private long[] values = new long[1 << 16];
    private long[] receivedAt = new long[1 << 16];
    private int count;

    synchronized void record(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
            receivedAt = Arrays.copyOf(receivedAt, receivedAt.length * 2);
        }
        receivedAt[count] = System.nanoTime();
        values[count++] = nanos;
    }

    /** p50 and p99 of the events received in each second after {@code start}, to show warm-up and stalls. */
    synchronized String bySecond(long start) {
        StringBuilder out = new StringBuilder();
        for (int second = 0; ; second++) {
            long from = start + second * 1_000_000_000L;
            long[] bucket = new long[count];
            int n = 0;
            boolean later = false;
            for (int i = 0; i < count; i++) {
                if (receivedAt[i] >= from && receivedAt[i] < from + 1_000_000_000L) {
                    bucket[n++] = values[i];
                } else if (receivedAt[i] >= from + 1_000_000_000L) {
                    later = true;
                }
            }
            if (n > 0) {
                Arrays.sort(bucket, 0, n);
                out.append(String.format("%ds:%d/%.0f/%.0f ", second, n, bucket[n / 2] / 1e6, bucket[Math.max(0, (int) Math.ceil(0.99 * n) - 1)] / 1e6));
            }
            if (!later) {
                return out.toString().strip();
            }
        }
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
