package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.task.budgets.Admission;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.budgets.BudgetWarning;
import io.smallrye.mutiny.Uni;

/**
 * A new run of a task, in the caller's transaction: admitted against its budget, then the pending run, its user
 * message and the request to execute it written with their events.
 */
@ApplicationScoped
public class RunRequests {

    /** Messages that may wait behind a task's working run at once; one more is a 409. */
    static final int MAX_QUEUED_PER_TASK = 10;
    /** The code of a message whose client-chosen id another message has. */
    public static final String MESSAGE_ID_TAKEN = "message_id_taken";

    private static final Logger LOG = Logger.getLogger(RunRequests.class);

    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final TaskEventLog eventLog;
    private final ScheduleReports scheduleReports;
    private final BudgetAdmission budget;
    private final TaskMetrics metrics;
    private final RunCancellation cancellation;

    RunRequests(TaskRunRepository runs, TaskMessageRepository messages, TaskEventLog eventLog, ScheduleReports scheduleReports,
            BudgetAdmission budget, TaskMetrics metrics, RunCancellation cancellation) {
        this.cancellation = cancellation;
        this.runs = runs;
        this.messages = messages;
        this.eventLog = eventLog;
        this.scheduleReports = scheduleReports;
        this.budget = budget;
        this.metrics = metrics;
    }

    /** As {@link #request(Task, NewTask, ScheduleFired)} for a create or a message. */
    Uni<Admission> request(Task task, NewTask request) {
        return request(task, request, null);
    }

    /**
     * Admits a new run of the task against its budget and requests it; a refusal fails a create with 402 (and rolls
     * it back) and is reported to the schedule for a firing.
     */
    Uni<Admission> request(Task task, NewTask request, ScheduleFired trigger) {
        UUID runId = UUID.randomUUID();
        return requireUnused(request.messageId()).chain(() -> budget.admit(task.budgetHolder(), runId)).chain(admission -> admission.admitted()
                ? persist(task, request, trigger, runId).call(() -> warn(task, runId, admission)).replaceWith(admission)
                : refused(task, admission, trigger));
    }

    /**
     * A message to the task while its {@code unfinished} runs work, with {@code multitask_strategy} enqueue or
     * interrupt: admitted like any run, it waits in a queued run ({@code message.queued}) until the working run and
     * the messages queued before it are done; interrupt first stops the working run ({@code run.interrupted}, its id
     * added to {@code interrupted}). The queued run's id is added to {@code queuedRun}. At most
     * {@value #MAX_QUEUED_PER_TASK} messages wait per task (then 409).
     */
    Uni<Admission> enqueue(Task task, NewTask request, List<TaskRun> unfinished, List<UUID> interrupted, List<UUID> queuedRun) {
        List<TaskRun> queued = unfinished.stream().filter(run -> run.runStatus() == RunStatus.QUEUED).toList();
        if (queued.size() >= MAX_QUEUED_PER_TASK) {
            return Uni.createFrom().failure(ApiException.conflict("queue_full", "task " + task.id + " has " + queued.size()
                    + " messages waiting already (at most " + MAX_QUEUED_PER_TASK + ")"));
        }
        UUID runId = UUID.randomUUID();
        UUID messageId = request.messageId() != null ? request.messageId() : UUID.randomUUID();
        return requireUnused(request.messageId()).chain(() -> budget.admit(task.budgetHolder(), runId)).chain(admission -> {
            if (!admission.admitted()) {
                return refused(task, admission, null);
            }
            Uni<Void> stopped = Uni.createFrom().voidItem();
            if (request.strategyOrReject() == MultitaskStrategy.INTERRUPT) {
                for (TaskRun working : unfinished) {
                    if (working.runStatus() != RunStatus.QUEUED) {
                        interrupted.add(working.id);
                        stopped = stopped.chain(() -> cancellation.interrupt(task, working, messageId));
                    }
                }
            }
            return stopped.chain(() -> persistQueued(task, request, runId, messageId, queued.size() + 1))
                    .call(() -> warn(task, runId, admission)).invoke(() -> queuedRun.add(runId)).replaceWith(admission);
        });
    }

    /**
     * A message to the task while its {@code unfinished} runs work, with {@code multitask_strategy} steer: it joins the
     * conversation at once ({@code message.user}, source {@code steer}) and the working run's agent takes it in before
     * its next model call (a run that ends before that answers it with a follow-up run). No new run, so no admission:
     * the working run's model calls stay bounded by the budgets' headroom. With only queued runs (the working run just
     * ended), the message waits as with enqueue (its run's id added to {@code queuedRun}).
     */
    Uni<Admission> steer(Task task, NewTask request, List<TaskRun> unfinished, List<UUID> queuedRun) {
        TaskRun working = unfinished.stream().filter(run -> run.runStatus() != RunStatus.QUEUED).findFirst().orElse(null);
        if (working == null) {
            return enqueue(task, request, unfinished, new ArrayList<>(), queuedRun);
        }
        TaskMessage message = TaskMessage.steer(working, request.messageId() != null ? request.messageId() : UUID.randomUUID(),
                request.prompt(), request.parts(), task.lastSeq + 1, Instant.now());
        var data = new TaskEventData.UserMessage(message.id, message.role, message.content, request.parts(), request.fileKeys(),
                eventLog.tree(working.runConfig), TaskEventData.UserMessage.STEER, null, null);
        return requireUnused(request.messageId()).chain(() -> messages.persist(message))
                .chain(() -> eventLog.append(task, working.id, data)).replaceWith(Admission.UNLIMITED);
    }

    /**
     * A steered message the run {@code ended} did not take in (it sent its last model call before the message came)
     * is answered by a follow-up run, requested in the caller's transaction (the task locked), admitted against the
     * budget like any run; a refusal ends the follow-up as failed with the limit's code.
     */
    public Uni<Void> followUp(Task task, TaskRun ended, List<TaskMessage> steered) {
        UUID runId = UUID.randomUUID();
        TaskRun run = TaskRun.pending(runId, task, ended.runConfig, Instant.now());
        steered.forEach(message -> message.answeredBy(run));
        task.runRequested();
        return runs.persist(run).chain(() -> budget.admit(task.budgetHolder(), runId)).chain(admission -> {
            if (admission.admitted()) {
                return warn(task, runId, admission).chain(() -> eventLog.requestRun(task, runId));
            }
            run.finish(RunStatus.ERROR, Instant.now());
            task.runEnded();
            return eventLog.append(task, runId, new TaskEventData.RunFailed(RunStatus.ERROR.value(), admission.refusalMessage(),
                    admission.refusedBy().scope().refusalCode()));
        });
    }

    /**
     * In the caller's transaction (the task locked): the queued run's turn came; its message joins the conversation
     * ({@code message.user}) and the run is requested.
     */
    public Uni<Void> startQueued(Task task, TaskRun run) {
        JsonNode queued = run.queuedMessage;
        ArrayNode parts = queued.path("parts").isArray() ? (ArrayNode) queued.path("parts") : JsonNodeFactory.instance.arrayNode();
        run.dequeue();
        task.runRequested();
        TaskMessage message = TaskMessage.user(run, run.queuedMessageId(), queued.path("content").asText(),
                parts, task.lastSeq + 1, Instant.now());
        var data = new TaskEventData.UserMessage(message.id, message.role, message.content, parts, queued.path("file_keys"),
                eventLog.tree(run.runConfig), null, null, null);
        return messages.persist(message)
                .chain(() -> eventLog.append(task, run.id, data))
                .chain(() -> eventLog.requestRun(task, run.id));
    }

    /**
     * A message id the client chose must not be taken by a message of any conversation or one waiting in a queue (409
     * {@code message_id_taken}); one taken by a request racing this check is caught when the queued run's turn comes.
     */
    private Uni<Void> requireUnused(UUID messageId) {
        if (messageId == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.exists(messageId).chain(taken -> taken ? Uni.createFrom().item(true) : runs.queuesMessage(messageId))
                .chain(taken -> taken ? Uni.createFrom().failure(ApiException.conflict(MESSAGE_ID_TAKEN, "message id " + messageId
                        + " is used by another message")) : Uni.createFrom().voidItem());
    }

    private Uni<Void> persistQueued(Task task, NewTask request, UUID runId, UUID messageId, int position) {
        task.runRequested();
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("message_id", messageId.toString());
        message.put("content", request.prompt());
        message.set("parts", request.parts());
        message.set("file_keys", request.fileKeys());
        TaskRun run = TaskRun.queued(runId, task, request.runConfig(), message, Instant.now());
        return runs.persist(run).chain(() -> eventLog.append(task, runId,
                new TaskEventData.MessageQueued(messageId, request.prompt(), request.parts(), position)));
    }

    private Uni<Admission> refused(Task task, Admission admission, ScheduleFired trigger) {
        ApiException refusal = new ApiException(402, admission.refusedBy().scope().refusalCode(), "payment required",
                admission.refusalMessage());
        metrics.budgetRefused(refusal.code(), trigger == null ? "create" : "schedule");
        if (trigger == null) {
            return Uni.createFrom().failure(refusal);
        }
        LOG.infof("schedule %s fired for task %s: not started, %s", trigger.scheduleId(), task.id, admission.refusalMessage());
        return scheduleReports.notStarted(trigger, ScheduledRunReported.REFUSED, refusal.code() + ": " + refusal.getMessage())
                .replaceWith(admission);
    }

    /** A budget nearly used shows on the task's stream, once per limit, when the run starts. */
    private Uni<Void> warn(Task task, UUID runId, Admission admission) {
        Uni<Void> appended = Uni.createFrom().voidItem();
        for (BudgetWarning warning : admission.warnings()) {
            appended = appended.chain(() -> eventLog.append(task, runId,
                    new TaskEventData.BudgetWarned(warning.code(), warning.scope(), warning.message())));
        }
        return appended;
    }

    private Uni<Void> persist(Task task, NewTask request, ScheduleFired trigger, UUID runId) {
        Instant now = Instant.now();
        task.runRequested();
        TaskRun run = TaskRun.pending(runId, task, request.runConfig(), now);
        if (trigger != null) {
            run.firedBy(trigger.scheduleId(), trigger.executionId());
        }
        TaskMessage message = TaskMessage.user(run, request.messageId() != null ? request.messageId() : UUID.randomUUID(),
                request.prompt(), request.parts(), task.lastSeq + 1, now);

        var data = new TaskEventData.UserMessage(message.id, message.role, message.content, request.parts(), request.fileKeys(),
                eventLog.tree(request.runConfig()), trigger == null ? null : "schedule", trigger == null ? null : trigger.scheduleId(),
                trigger == null ? null : trigger.executionId());
        return runs.persist(run)
                .chain(() -> messages.persist(message))
                .chain(() -> eventLog.append(task, run.id, data))
                .chain(() -> eventLog.requestRun(task, run.id));
    }
}
