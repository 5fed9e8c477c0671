package dev.relay.task.domain;

/** Who a run's usage counts against: its organization, its task's creator and the task's project (may be null). */
public record BudgetHolder(String org, String user, String project) {

    public static BudgetHolder of(Task task) {
        return new BudgetHolder(task.org, task.createdBy, task.projectId == null ? null : task.projectId.toString());
    }
}
