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
}
