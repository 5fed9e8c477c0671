package dev.relay.task.budgets;

/** Who a run's usage counts against: its organization, its task's creator and the task's project (may be null). */
public record BudgetHolder(String org, String user, String project) {
}
