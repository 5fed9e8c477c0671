package dev.relay.task.budgets;

/**
 * What a running run learns of its holder's budget: whether the organization has one at all ({@code budgeted}: its
 * model calls then reserve what they may cost) and the first limit that is used up, or null.
 */
public record BudgetCheck(boolean budgeted, BudgetLine exhausted) {

    static final BudgetCheck NO_BUDGET = new BudgetCheck(false, null);
}
