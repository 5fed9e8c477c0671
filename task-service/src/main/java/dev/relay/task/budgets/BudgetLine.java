package dev.relay.task.budgets;

/**
 * One budget account in one window as an admission sees it: the limit (null: none), what the billing service last
 * reported as consumed, what this service's runs spent (priced in Neo tokens) and what admitted runs hold reserved.
 * Billing's figure and this service's count the same usage, billing's a little later; the larger of the two is
 * what is used.
 */
public record BudgetLine(BudgetScope scope, String subject, Long limit, long consumed, long spent, long reserved) {

    public boolean limited() {
        return limit != null;
    }

    public long used() {
        return Math.max(consumed, spent);
    }

    /** What is left for new reservations. */
    public long headroom() {
        return limited() ? limit - used() - reserved : Long.MAX_VALUE;
    }

    public boolean exhausted() {
        return limited() && used() >= limit;
    }

    /** Used at least {@code fraction} of a (non-zero) limit. */
    public boolean approaching(double fraction) {
        return limited() && limit > 0 && used() >= fraction * limit;
    }
}
