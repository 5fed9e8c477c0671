package dev.relay.task.budgets;

/** A create's warning that a budget limit is nearly used (the seeds' {@code TaskWarning}). */
public record BudgetWarning(String code, String scope, String message) {

    public static BudgetWarning of(BudgetLine line) {
        long percent = line.used() * 100 / line.limit();
        return new BudgetWarning(line.scope().warningCode(), line.scope().value(), line.scope().description() + " is " + percent
                + " % used (" + line.used() + " of " + line.limit() + " Neo tokens this window)");
    }
}
