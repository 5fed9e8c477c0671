package dev.relay.task.budgets;

/**
 * What a run's next model call may produce: at most {@code maxOutputTokens} output tokens (reserved against its
 * budgets), or nothing because {@code refusedBy} has no room left — for now, while
 * other runs hold reservations that would leave room once settled ({@code othersHold}), or for good.
 */
public record CallAllowance(long maxOutputTokens, BudgetLine refusedBy, boolean othersHold) {

    static CallAllowance of(long maxOutputTokens) {
        return new CallAllowance(maxOutputTokens, null, false);
    }

    static CallAllowance refused(BudgetLine line, boolean othersHold) {
        return new CallAllowance(0, line, othersHold);
    }

    public boolean refused() {
        return refusedBy != null;
    }
}
