package dev.relay.bench;

import java.time.Instant;
import java.util.Arrays;

/**
 * What one schedule load measured, against the instant all its jobs were due: how long until all fired, firings/s,
 * lag p50/p99/max. Every job must have fired exactly once, or the run prints no figures.
 */
final class Firings {

    private Firings() {
    }

    static void report(String name, int count, int fired, Instant due, long[] firedAtMillis, long duplicates, long redelivered) {
        InvariantViolation.check(fired == count, "%s: %d of %d schedules fired", name, fired, count);
        InvariantViolation.check(duplicates == 0, "%s: %d extra firings of schedules that had fired already", name, duplicates);
        long[] lags = Arrays.stream(firedAtMillis).map(at -> at - due.toEpochMilli()).sorted().toArray();
        double allFiredSeconds = lags.length == 0 ? Double.NaN : lags[lags.length - 1] / 1000.0;
        System.out.printf("RESULT schedules.%s.fired %d of %d%n", name, fired, count);
        System.out.printf("RESULT schedules.%s.all_fired_after_s %.2f%n", name, allFiredSeconds);
        System.out.printf("RESULT schedules.%s.firings_per_s %.0f%n", name, fired / Math.max(allFiredSeconds, 0.001));
        if (lags.length > 0) {
            long firstLag = lags[0];
            double busySeconds = (lags[lags.length - 1] - firstLag) / 1000.0;
            System.out.printf("RESULT schedules.%s.firings_per_s_from_first %.0f%n", name, fired / Math.max(busySeconds, 0.001));
            System.out.printf("RESULT schedules.%s.lag_ms p50=%d p99=%d max=%d first=%d%n", name, percentile(lags, 0.5),
                    percentile(lags, 0.99), lags[lags.length - 1], firstLag);
        }
        System.out.printf("RESULT schedules.%s.duplicates %d%n", name, duplicates);
        if (redelivered > 0) {
            System.out.printf("RESULT schedules.%s.records_sent_again %d (same execution id: deduplicated by the task service)%n", name, redelivered);
        }
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
    }
}
