package dev.relay.common.budget;

import java.time.Duration;
import java.time.Instant;

/**
 * One window of a budget: windows of {@code days} days follow one another from the budget's start; with
 * {@code days} 0 there is one window that never ends ({@link #end()} null, shown as {@code windowEnd} 0).
 */
public record BudgetWindow(Instant start, Instant end) {

    private static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");

    /** The window of a budget started at {@code budgetStart} with windows of {@code days} days that holds {@code now}. */
    public static BudgetWindow at(Instant budgetStart, int days, Instant now) {
        if (days == 0) {
            return new BudgetWindow(budgetStart, null);
        }
        Duration length = Duration.ofDays(days);
        long elapsed = Math.max(0, Duration.between(budgetStart, now).toSeconds());
        long index = elapsed / length.toSeconds();
        Instant start = budgetStart.plus(length.multipliedBy(index));
        return new BudgetWindow(start, start.plus(length));
    }

    /** The window's end in epoch seconds, 0 when it never ends (the seeds' {@code windowEnd}). */
    public long endEpochSeconds() {
        return end == null ? 0 : end.getEpochSecond();
    }

    /** The window's end, or for a window that never ends an instant no usage reaches (for range queries). */
    public Instant endOrFarFuture() {
        return end == null ? FAR_FUTURE : end;
    }

    public boolean contains(Instant at) {
        return !at.isBefore(start) && (end == null || at.isBefore(end));
    }
}
