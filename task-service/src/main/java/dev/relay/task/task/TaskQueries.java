package dev.relay.task.task;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reading tasks as a caller may see them: another organization's task, or a private one of another user, is a 404. */
@ApplicationScoped
public class TaskQueries {

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final ApprovalRepository approvals;

    public TaskQueries(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages, ApprovalRepository approvals) {
        this.approvals = approvals;
        this.tasks = tasks;
        this.runs = runs;
        this.messages = messages;
    }

    /** The task with its runs, messages and pending approvals, all at the same {@code lastSeq}. */
    public Uni<TaskSnapshot> snapshot(Caller caller, UUID taskId) {
        // FOR SHARE: writers lock the task row before they touch its messages, so the snapshot is exact at lastSeq
        return Panache.withTransaction(() -> tasks.findById(taskId, LockModeType.PESSIMISTIC_READ)
                .map(task -> visibleOrNotFound(task, caller, taskId))
                .chain(task -> runs.ofTask(taskId)
                        .chain(taskRuns -> messages.ofTask(taskId)
                                .chain(taskMessages -> approvals.pendingOf(taskId)
                                        .chain(pending -> queuePosition(taskRuns)
                                                .map(position -> new TaskSnapshot(task, taskRuns, taskMessages, pending, position)))))));
    }

    /**
     * Where the latest run waits in its organization's queue (1: next), null unless it waits its turn: the runs ahead
     * of it in its user's line, and of each other user's line as many as the round robin takes before it.
     */
    private Uni<Long> queuePosition(List<TaskRun> taskRuns) {
        TaskRun latest = taskRuns.isEmpty() ? null : taskRuns.get(taskRuns.size() - 1);
        if (latest == null || latest.queuedAt == null || latest.runStatus() != RunStatus.PENDING) {
            return Uni.createFrom().nullItem();
        }
        return runs.waitingAhead(latest).chain(ahead -> runs.waitingPerUser(latest.orgId).map(perUser -> {
            long position = 1 + ahead;
            for (Object[] line : perUser) {
                if (!latest.userId.equals(line[0])) {
                    position += Math.min((Long) line[1], ahead + 1);
                }
            }
            return position;
        }));
    }

    /** The task when the caller may see it (else 404), in the caller's session. */
    public Uni<Task> visible(Caller caller, UUID taskId) {
        return tasks.findById(taskId).map(task -> visibleOrNotFound(task, caller, taskId));
    }

    /** A page of the organization's tasks that the caller may see; one more than asked tells whether more follow. */
    public Uni<List<Task>> list(Caller caller, String org, TaskListQuery query) {
        caller.requireOrg(org);
        return Panache.withSession(() -> tasks.page(org, caller.email(), query));
    }

    /** The task as {@code caller} may see it in {@code org}, or 404. */
    public Uni<Task> find(Caller caller, String org, UUID taskId) {
        caller.requireOrg(org);
        return Panache.withSession(() -> tasks.findById(taskId)).map(task -> {
            if (task != null && !task.org.equals(org)) {
                throw notFound(taskId);
            }
            return visibleOrNotFound(task, caller, taskId);
        });
    }

    /** The task as {@code caller} may see it in {@code org} (else 404), when the caller created it (else 403). */
    public Uni<Task> findOwn(Caller caller, String org, UUID taskId, String action) {
        return find(caller, org, taskId).invoke(task -> {
            if (!task.isCreatedBy(caller.email())) {
                throw ApiException.forbidden("only the task's creator may " + action + " it");
            }
        });
    }

    static ApiException notFound(UUID taskId) {
        return ApiException.notFound("task " + taskId + " not found");
    }

    private static Task visibleOrNotFound(Task task, Caller caller, UUID taskId) {
        if (task == null || !task.isVisibleTo(caller.org(), caller.email())) {
            throw notFound(taskId);
        }
        return task;
    }
}
