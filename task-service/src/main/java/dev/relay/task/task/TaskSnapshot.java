package dev.relay.task.task;

import java.util.List;

/**
 * A task with its runs (oldest first), messages and pending approvals, all read at the same {@code task.lastSeq}, and
 * while its latest run waits its turn, that run's place in its organization's queue (else null).
 */
public record TaskSnapshot(Task task, List<TaskRun> runs, List<TaskMessage> messages, List<Approval> pending, Long queuePosition) {

    public TaskRun latestRun() {
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }

    /** The run the task is about now: its latest run that is not a queued message's, or null. */
    public TaskRun currentRun() {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).runStatus() != RunStatus.QUEUED) {
                return runs.get(i);
            }
        }
        return null;
    }
}
