package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;

import org.hibernate.exception.ConstraintViolationException;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduleRequested;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.budgets.Admission;
import dev.relay.task.budgets.BudgetWarning;
import io.smallrye.mutiny.Uni;

/**
 * Starting a task, or continuing the caller's existing one, with a new run: the task (when new) and the run's request
 * ({@link RunRequests}) are written in one transaction with their events; an idempotency key makes a retry answer
 * what the first request did.
 */
@ApplicationScoped
public class TaskCreation {

    /** The primary key of a conversation's messages: a client-chosen message id another request took first. */
    private static final String MESSAGE_PRIMARY_KEY = "task_message_pkey";

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final IdempotencyKeyRepository idempotencyKeys;
    private final TaskEventLog eventLog;
    private final Outbox outbox;
    private final RunRequests runRequests;
    private final TaskMetrics metrics;
    private final Event<RunAborted> aborted;

    TaskCreation(TaskRepository tasks, TaskRunRepository runs, IdempotencyKeyRepository idempotencyKeys, TaskEventLog eventLog,
            Outbox outbox, RunRequests runRequests, TaskMetrics metrics, Event<RunAborted> aborted) {
        this.aborted = aborted;
        this.runRequests = runRequests;
        this.metrics = metrics;
        this.tasks = tasks;
        this.runs = runs;
        this.idempotencyKeys = idempotencyKeys;
        this.eventLog = eventLog;
        this.outbox = outbox;
    }

    /**
     * What a create answers: the task, the seq of the last event the create wrote (when a retry answers an earlier
     * create, the task's last seq), the warnings of the budget its run was admitted against, and the run its message
     * waits in behind the task's working run ({@code multitask_strategy} enqueue or interrupt; else null).
     */
    public record Started(UUID taskId, long lastSeq, List<BudgetWarning> warnings, UUID queuedRun) {
    }

    /** Creates the task (or continues the caller's existing one) and requests a run; answers the task id. */
    public Uni<Started> start(Caller caller, NewTask request) {
        return start(caller, request, null);
    }

    /**
     * As {@link #start(Caller, NewTask)}; with an idempotency key, a retry of the same request answers the task the
     * first one made (and starts nothing), and the same key with another request is a 409. A run the budget has no
     * room for is a 402 with the limit's code, and nothing is created.
     */
    public Uni<Started> start(Caller caller, NewTask request, IdempotentRequest idempotent) {
        List<TaskRun> unfinished = new ArrayList<>();
        List<UUID> interrupted = new ArrayList<>();
        List<UUID> queuedRun = new ArrayList<>();
        return outbox.transaction(() -> earlierAnswer(caller, idempotent).chain(earlier -> earlier != null
                        ? answeredBefore(earlier)
                        : taskToRun(caller, request, unfinished).chain(task -> (task.waitsForItsSchedule()
                                        ? Uni.createFrom().item(Admission.UNLIMITED)
                                        : unfinished.isEmpty() ? runRequests.request(task, request)
                                        : request.strategyOrReject() == MultitaskStrategy.STEER ? runRequests.steer(task, request, unfinished, queuedRun)
                                        : runRequests.enqueue(task, request, unfinished, interrupted, queuedRun))
                                .call(() -> remember(caller, idempotent, task.id, queuedRun))
                                .map(admission -> new Started(task.id, task.lastSeq, admission.warnings(), first(queuedRun))))))
                // the interrupted run's worker, when it is this instance, stops at once (after the commit)
                .invoke(() -> interrupted.forEach(streamId -> aborted.fire(new RunAborted(streamId))))
                // a concurrent first request with the same key won; this one's transaction rolled back whole
                // (or a concurrent request took the task id or the message id this one chose: a conflict either way)
                .onFailure(ConstraintViolationException.class).recoverWithUni(raced -> (idempotent == null ? Uni.createFrom().<Started>nullItem()
                        : outbox.transaction(() -> earlierAnswer(caller, idempotent)
                                .chain(earlier -> earlier == null ? Uni.createFrom().<Started>nullItem() : answeredBefore(earlier))))
                        .onItem().ifNull().failWith(() -> conflict((ConstraintViolationException) raced, request)))
                .onItemOrFailure().invoke((started, failure) -> metrics.created(failure));
    }

    /**
     * What a retry answers: the task the first request made, with its last seq now (a stream of it goes that far),
     * and the run the first request's message waited in, so a stream of the retry ends where the first one's would.
     */
    private Uni<Started> answeredBefore(IdempotencyKey earlier) {
        return tasks.findById(earlier.taskId)
                .map(task -> new Started(earlier.taskId, task == null ? 0 : task.lastSeq, List.of(), earlier.runId));
    }

    private static UUID first(List<UUID> queuedRun) {
        return queuedRun.isEmpty() ? null : queuedRun.get(0);
    }

    /** What a concurrent request took first: the message id this one chose, or else the task id or key. */
    private static ApiException conflict(ConstraintViolationException raced, NewTask request) {
        return MESSAGE_PRIMARY_KEY.equals(raced.getConstraintName()) && request.messageId() != null
                ? ApiException.conflict(RunRequests.MESSAGE_ID_TAKEN, "message id " + request.messageId() + " is used by another message")
                : ApiException.conflict("conflict", "the request conflicts with another one");
    }

    private Uni<IdempotencyKey> earlierAnswer(Caller caller, IdempotentRequest idempotent) {
        if (idempotent == null) {
            return Uni.createFrom().nullItem();
        }
        var id = new IdempotencyKey.Key(caller.org(), caller.email(), idempotent.key());
        return idempotencyKeys.findById(id, LockModeType.PESSIMISTIC_WRITE).map(found -> {
            if (found == null) {
                return null;
            }
            IdempotentCalls.requireSameRequest(found, idempotent);
            return found;
        });
    }

    private Uni<Void> remember(Caller caller, IdempotentRequest idempotent, UUID taskId, List<UUID> queuedRun) {
        if (idempotent == null) {
            return Uni.createFrom().voidItem();
        }
        IdempotencyKey row = IdempotencyKey.claim(new IdempotencyKey.Key(caller.org(), caller.email(), idempotent.key()),
                taskId, first(queuedRun), idempotent.fingerprint());
        return idempotencyKeys.persist(row).replaceWithVoid();
    }

    /** The task to run; when its runs are still {@code unfinished}, they are added there (or 409, as the request's strategy says). */
    private Uni<Task> taskToRun(Caller caller, NewTask request, List<TaskRun> unfinished) {
        if (request.taskId() == null) {
            return create(Task.create(caller.org(), caller.email(), UUID.randomUUID(), request, Instant.now()));
        }
        return tasks.lock(request.taskId()).chain(existing -> {
            if (existing == null) {
                return create(Task.create(caller.org(), caller.email(), request.taskId(), request, Instant.now()));
            }
            if (!existing.org.equals(caller.org()) || !existing.isCreatedBy(caller.email())) {
                return Uni.createFrom().failure(TaskQueries.notFound(request.taskId()));
            }
            return runs.unfinishedOf(existing.id).map(working -> {
                if (!working.isEmpty() && request.strategyOrReject() == MultitaskStrategy.REJECT) {
                    throw ApiException.conflict("task_busy", "task " + existing.id + " has a run in progress (send the message "
                            + "with multitask_strategy enqueue, interrupt or steer to have it wait, take over or join the run)");
                }
                unfinished.addAll(working);
                existing.continuedWith(request);
                return existing;
            });
        });
    }

    private Uni<Task> create(Task task) {
        var data = new TaskEventData.TaskCreated(task.createdBy, task.visibility, task.title);
        return tasks.persist(task).call(() -> eventLog.append(task, null, data))
                .call(() -> requestSchedule(task));
    }

    /** A task created with a schedule asks the schedule service for it, in the same transaction. */
    private Uni<Void> requestSchedule(Task task) {
        Schedule schedule = task.schedule;
        if (schedule == null) {
            return Uni.createFrom().voidItem();
        }
        return outbox.add(Topics.SCHEDULE_REQUESTS, task.id.toString(), schedule.id(), new ScheduleRequested(schedule.id(), task.id,
                task.org, task.createdBy, schedule.name(), schedule.type(), schedule.frequency(), schedule.startTime(), schedule.timeZone(),
                schedule.nextExecutionAt()));
    }

}
