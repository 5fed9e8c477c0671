package dev.relay.task.budgets;

/**
 * What a budget limit applies to: the organization's allowance, or the per-window cap of one user or one project.
 * Each has the seeds' refusal code (HTTP 402) and warning code.
 */
public enum BudgetScope {

    ORG("org", "insufficient_neo_credits", "spending_cap_approaching", "the organization's Neo-token allowance"),
    PROJECT("project", "project_spending_cap_reached", "project_spending_cap_approaching", "the project's spending cap"),
    USER("user", "user_spending_cap_reached", "spending_cap_approaching", "your spending cap");

    private final String value;
    private final String refusalCode;
    private final String warningCode;
    private final String description;

    BudgetScope(String value, String refusalCode, String warningCode, String description) {
        this.value = value;
        this.refusalCode = refusalCode;
        this.warningCode = warningCode;
        this.description = description;
    }

    public String value() {
        return value;
    }

    public String refusalCode() {
        return refusalCode;
    }

    public String warningCode() {
        return warningCode;
    }

    public String description() {
        return description;
    }
}
