package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import dev.relay.common.auth.Caller;
import dev.relay.common.messaging.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** What the creator of a task changes about it: its name, sharing and modes, and cancelling its run. */
@ApplicationScoped
public class TaskSettings {

    private final TaskQueries queries;
    private final TaskRepository tasks;
    private final TaskEventLog eventLog;
    private final RunCancellation cancellation;
    private final Outbox outbox;
    private final Event<RunAborted> aborted;

    public TaskSettings(TaskQueries queries, TaskRepository tasks, TaskEventLog eventLog, RunCancellation cancellation,
            Outbox outbox, Event<RunAborted> aborted) {
        this.aborted = aborted;
        this.queries = queries;
        this.tasks = tasks;
        this.eventLog = eventLog;
        this.cancellation = cancellation;
        this.outbox = outbox;
    }

    /** What a PATCH changes; null fields stay as they are. */
    public record TaskChanges(String name, Boolean shared, ApprovalMode approvalMode, PermissionMode permissionMode) {
    }

    /**
     * Applies the creator's changes; a new name or sharing announces a {@code task.updated} event, so the stream
     * service lets the organization read the task's stream too.
     */
    public Uni<Task> update(Caller caller, String org, UUID taskId, TaskChanges changes) {
        return queries.findOwn(caller, org, taskId, "change").chain(() -> outbox.transaction(() -> tasks.lock(taskId).chain(task -> {
            boolean sharingChanged = changes.shared() != null && changes.shared() != task.shared;
            if (changes.name() != null) {
                task.title = changes.name();
            }
            if (changes.approvalMode() != null) {
                task.approvalMode = changes.approvalMode();
            }
            if (changes.permissionMode() != null) {
                task.permissionMode = changes.permissionMode();
            }
            if (changes.shared() != null) {
                task.share(changes.shared(), Instant.now());
            }
            task.updatedAt = Instant.now();
            if (!sharingChanged && changes.name() == null) {
                return Uni.createFrom().item(task);
            }
            return eventLog.append(task, null, new TaskEventData.TaskUpdated(task.visibility, task.shared, task.title)).replaceWith(task);
        })));
    }

    /**
     * Cancels the caller's task's unfinished runs (see {@link RunCancellation#abortUnfinished}); only its creator may. When this
     * instance works the run, its agent is stopped at once (a provider's stream closed), not at its next step.
     */
    public Uni<Task> cancel(Caller caller, String org, UUID taskId, boolean force) {
        return queries.findOwn(caller, org, taskId, "cancel")
                .chain(() -> cancellation.abortUnfinished(taskId, force))
                .invoke(streamIds -> streamIds.forEach(streamId -> aborted.fire(new RunAborted(streamId))))
                .chain(() -> Panache.withSession(() -> tasks.findById(taskId)));
    }
}
