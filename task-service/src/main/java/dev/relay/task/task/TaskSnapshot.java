package dev.relay.task.task;

import java.util.List;

/** A task with its runs (oldest first), messages and pending approvals, all read at the same {@code task.lastSeq}. */
public record TaskSnapshot(Task task, List<TaskRun> runs, List<TaskMessage> messages, List<Approval> pending) {

    public TaskRun latestRun() {
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }
}
