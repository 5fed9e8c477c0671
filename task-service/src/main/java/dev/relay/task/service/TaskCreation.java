package dev.relay.task.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduleRequested;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.domain.Admission;
import dev.relay.task.domain.BudgetHolder;
import dev.relay.task.domain.BudgetWarning;
import dev.relay.task.domain.IdempotencyKey;
import dev.relay.task.domain.NewTask;
import dev.relay.task.domain.RunStatus;
import dev.relay.task.domain.Schedule;
import dev.relay.task.domain.ScheduledRequest;
import dev.relay.task.domain.Task;
import dev.relay.task.domain.TaskMessage;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.repository.IdempotencyKeyRepository;
import dev.relay.task.repository.TaskMessageRepository;
import dev.relay.task.repository.TaskRepository;
import dev.relay.task.repository.TaskRunRepository;
import io.smallrye.mutiny.Uni;

/**
 * Starting a task, or continuing the caller's existing one, with a new run: the task (when new), its user message,
 * the pending run and the request to execute it are written in one transaction with their events.
 */
@ApplicationScoped
public class TaskCreation {

    private static final Logger LOG = Logger.getLogger(TaskCreation.class);

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final IdempotencyKeyRepository idempotencyKeys;
    private final TaskEventLog eventLog;
    private final Outbox outbox;
    private final ScheduleReports scheduleReports;
    private final BudgetAdmission budget;
    private final TaskMetrics metrics;

    public TaskCreation(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages,
            IdempotencyKeyRepository idempotencyKeys, TaskEventLog eventLog, Outbox outbox, ScheduleReports scheduleReports,
            BudgetAdmission budget, TaskMetrics metrics) {
        this.budget = budget;
        this.metrics = metrics;
        this.scheduleReports = scheduleReports;
        this.tasks = tasks;
        this.runs = runs;
        this.messages = messages;
        this.idempotencyKeys = idempotencyKeys;
        this.eventLog = eventLog;
        this.outbox = outbox;
    }

    /** What a create answers: the task, and the warnings of the budget its run was admitted against. */
    public record Started(UUID taskId, List<BudgetWarning> warnings) {
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
        return outbox.transaction(() -> earlierAnswer(caller, idempotent).chain(earlier -> earlier != null
                        ? Uni.createFrom().item(new Started(earlier, List.of()))
                        : taskToRun(caller, request).chain(task -> (task.waitsForItsSchedule()
                                        ? Uni.createFrom().item(Admission.UNLIMITED) : requestRun(task, request))
                                .call(() -> remember(caller, idempotent, task.id))
                                .map(admission -> new Started(task.id, admission.warnings())))))
                // a concurrent first request with the same key won; this one's transaction rolled back whole
                .onFailure(ConstraintViolationException.class).recoverWithUni(() -> idempotent == null
                        ? Uni.createFrom().failure(ApiException.conflict("conflict", "the request conflicts with another one"))
                        : outbox.transaction(() -> earlierAnswer(caller, idempotent)).map(earlier -> new Started(earlier, List.of())))
                .onItemOrFailure().invoke((started, failure) -> metrics.created(failure));
    }

    private Uni<UUID> earlierAnswer(Caller caller, IdempotentRequest idempotent) {
        if (idempotent == null) {
            return Uni.createFrom().nullItem();
        }
        var id = new IdempotencyKey.Key(caller.org(), caller.email(), idempotent.key());
        return idempotencyKeys.findById(id, LockModeType.PESSIMISTIC_WRITE).map(found -> {
            if (found == null) {
                return null;
            }
            IdempotentCalls.requireSameRequest(found, idempotent);
            return found.taskId;
        });
    }

    private Uni<Void> remember(Caller caller, IdempotentRequest idempotent, UUID taskId) {
        if (idempotent == null) {
            return Uni.createFrom().voidItem();
        }
        IdempotencyKey row = IdempotencyKey.claim(new IdempotencyKey.Key(caller.org(), caller.email(), idempotent.key()),
                taskId, idempotent.fingerprint());
        return idempotencyKeys.persist(row).replaceWithVoid();
    }

    private Uni<Task> taskToRun(Caller caller, NewTask request) {
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
            return runs.latestOf(existing.id).map(latest -> {
                if (latest != null && !latest.runStatus().isFinished()) {
                    throw ApiException.conflict("task_busy", "task " + existing.id + " has a run in progress");
                }
                return existing;
            });
        });
    }

    private Uni<Task> create(Task task) {
        var data = eventLog.data().put("created_by", task.createdBy).put("visibility", task.visibility).put("title", task.title);
        return tasks.persist(task).call(() -> eventLog.append(task, null, TaskEventTypes.TASK_CREATED, data))
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

    /**
     * Starts a run of the task for a schedule's firing, in the caller's transaction: the task's first user message
     * again, with its latest run's configuration. Answers false, starting nothing, when the task is unknown (or of
     * another organization) or a run of it is still going (overlap: the firing is skipped).
     */
    public Uni<Boolean> startScheduled(ScheduleFired trigger) {
        return tasks.lock(trigger.taskId()).chain(task -> {
            if (task == null || !task.org.equals(trigger.org())) {
                LOG.warnf("schedule %s fired for task %s, which is not here: nothing started", trigger.scheduleId(), trigger.taskId());
                return scheduleReports.notStarted(trigger, ScheduledRunReported.REFUSED, "the task does not exist").replaceWith(false);
            }
            return runs.latestOf(task.id).chain(latest -> {
                if (latest != null && !latest.runStatus().isFinished()) {
                    LOG.infof("schedule %s fired while task %s has a run in progress: not started", trigger.scheduleId(), task.id);
                    return scheduleReports.notStarted(trigger, ScheduledRunReported.BUSY, "another run of the task was in progress")
                            .replaceWith(false);
                }
                return scheduledRequestOf(task, latest).chain(scheduled -> {
                    NewTask again = new NewTask(task.id, null, scheduled.prompt(), scheduled.parts(),
                            scheduled.fileKeys() == null ? JsonNodeFactory.instance.arrayNode() : scheduled.fileKeys(),
                            task.visibility, null, null, false, null, scheduled.runConfig(), null, null);
                    return requestRun(task, again, trigger).map(Admission::admitted);
                });
            });
        });
    }

    /**
     * What a firing runs: the prompt the task was created with and the settings of its latest run (or of the create,
     * before any run); for a task created before Relay kept its scheduled request, its first user message.
     */
    private Uni<ScheduledRequest> scheduledRequestOf(Task task, TaskRun latest) {
        if (task.scheduledRequest != null) {
            ScheduledRequest kept = task.scheduledRequest;
            return Uni.createFrom().item(latest == null ? kept : new ScheduledRequest(kept.prompt(), kept.parts(), kept.fileKeys(), latest.runConfig));
        }
        return messages.ofTask(task.id).map(all -> {
            TaskMessage first = all.stream().filter(message -> "user".equals(message.role)).findFirst().orElse(null);
            return new ScheduledRequest(first == null ? "" : first.content,
                    first == null ? JsonNodeFactory.instance.arrayNode() : first.parts, null, latest == null ? null : latest.runConfig);
        });
    }

    private Uni<Admission> requestRun(Task task, NewTask request) {
        return requestRun(task, request, null);
    }

    /**
     * Admits a new run of the task against its budget and requests it; a refusal fails a create with 402 (and rolls
     * it back) and is reported to the schedule for a firing.
     */
    private Uni<Admission> requestRun(Task task, NewTask request, ScheduleFired trigger) {
        UUID runId = UUID.randomUUID();
        return budget.admit(BudgetHolder.of(task), runId).chain(admission -> {
            if (admission.admitted()) {
                return requestRun(task, request, trigger, runId).call(() -> warn(task, runId, admission)).replaceWith(admission);
            }
            ApiException refusal = new ApiException(402, admission.refusedBy().scope().refusalCode(), "payment required",
                    admission.refusalMessage());
            metrics.budgetRefused(refusal.code(), trigger == null ? "create" : "schedule");
            if (trigger == null) {
                return Uni.createFrom().failure(refusal);
            }
            LOG.infof("schedule %s fired for task %s: not started, %s", trigger.scheduleId(), task.id, admission.refusalMessage());
            return scheduleReports.notStarted(trigger, ScheduledRunReported.REFUSED, refusal.code() + ": " + refusal.getMessage())
                    .replaceWith(admission);
        });
    }

    /** A budget nearly used shows on the task's stream, once per limit, when the run starts. */
    private Uni<Void> warn(Task task, UUID runId, Admission admission) {
        Uni<Void> appended = Uni.createFrom().voidItem();
        for (BudgetWarning warning : admission.warnings()) {
            appended = appended.chain(() -> eventLog.append(task, runId, TaskEventTypes.BUDGET_WARNING, eventLog.data()
                    .put("code", warning.code()).put("scope", warning.scope()).put("message", warning.message())));
        }
        return appended;
    }

    private Uni<Void> requestRun(Task task, NewTask request, ScheduleFired trigger, UUID runId) {
        Instant now = Instant.now();
        task.runState = "running";
        task.runtimePhase = Task.BOOTING;
        TaskRun run = new TaskRun();
        run.id = runId;
        run.taskId = task.id;
        run.status = RunStatus.PENDING.value();
        run.runConfig = request.runConfig();
        run.createdAt = now;
        if (trigger != null) {
            run.scheduleId = trigger.scheduleId();
            run.scheduleExecutionId = trigger.executionId();
        }

        TaskMessage message = new TaskMessage();
        message.id = request.messageId() != null ? request.messageId() : UUID.randomUUID();
        message.taskId = task.id;
        message.streamId = run.id;
        message.role = "user";
        message.content = request.prompt();
        message.parts = request.parts();
        message.complete = true;
        message.firstSeq = task.lastSeq + 1;
        message.createdAt = now;

        var data = eventLog.data()
                .put("message_id", message.id.toString())
                .put("role", message.role)
                .put("content", message.content);
        data.set("parts", request.parts());
        if (!request.fileKeys().isEmpty()) {
            data.set("file_keys", request.fileKeys());
        }
        data.putPOJO("run_config", request.runConfig());
        if (trigger != null) {
            data.put("source", "schedule").put("schedule_id", trigger.scheduleId().toString())
                    .put("execution_id", trigger.executionId().toString());
        }
        return runs.persist(run)
                .chain(() -> messages.persist(message))
                .chain(() -> eventLog.append(task, run.id, TaskEventTypes.USER_MESSAGE, data))
                .chain(() -> eventLog.requestRun(task, run.id));
    }
}
