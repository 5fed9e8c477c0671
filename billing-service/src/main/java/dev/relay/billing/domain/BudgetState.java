package dev.relay.billing.domain;

import dev.relay.common.budget.BudgetWindow;

/** Where an organization's budget stands in its current window (the seeds' token-budget answer). */
public record BudgetState(WindowKind windowKind, long baseAllowance, long effectiveAllowance, long consumed, BudgetWindow window) {

    public boolean exhausted() {
        return consumed >= effectiveAllowance;
    }
}
