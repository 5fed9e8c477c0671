package dev.relay.task.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.domain.Admission;
import dev.relay.task.domain.Approval;
import dev.relay.task.domain.BudgetHolder;
import dev.relay.task.domain.RunStatus;
import dev.relay.task.domain.Task;
import dev.relay.task.domain.TaskMessage;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.repository.ApprovalRepository;
import dev.relay.task.repository.TaskMessageRepository;
import dev.relay.task.repository.TaskRepository;
import dev.relay.task.repository.TaskRunRepository;
import dev.relay.task.runtime.AgentReply;
import io.smallrye.mutiny.Uni;

/**
 * The transactions a run is made of. Each step locks the task, changes the materialized state and appends the
 * matching events through the outbox, and answers whether it applied (false when the run is no longer active: it
 * was cancelled or reaped, and the runtime stops).
 */
@ApplicationScoped
public class RunSteps {

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final TaskEventLog eventLog;
    private final ApprovalRepository approvals;
    private final Outbox outbox;
    private final ScheduleReports scheduleReports;
    private final BudgetAdmission budget;
    private final TaskMetrics metrics;

    public RunSteps(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages, TaskEventLog eventLog,
            ApprovalRepository approvals, Outbox outbox, ScheduleReports scheduleReports, BudgetAdmission budget,
            TaskMetrics metrics) {
        this.budget = budget;
        this.metrics = metrics;
        this.scheduleReports = scheduleReports;
        this.approvals = approvals;
        this.outbox = outbox;
        this.tasks = tasks;
        this.runs = runs;
        this.messages = messages;
        this.eventLog = eventLog;
    }

    /**
     * The state a run starts (or resumes) from: its task's prompt and settings and, when it resumes, the answer to
     * the approval it asked for.
     */
    public record Claimed(TaskRun run, String prompt, Approval answer, BudgetHolder holder, List<String> secretNames) {
    }

    /**
     * Moves a pending run to active and announces it ({@code run.started}, or {@code run.resumed} after an
     * approval); a run that is not pending is left alone (redelivery), and the answer is null.
     */
    public Uni<Claimed> claim(UUID streamId) {
        return outbox.transaction(() -> runs.findById(streamId).chain(found -> found == null ? Uni.createFrom().nullItem()
                : tasks.lock(found.taskId).chain(task -> runs.findById(streamId, LockModeType.PESSIMISTIC_WRITE)
                        .chain(run -> {
                            if (run.runStatus() != RunStatus.PENDING) {
                                return Uni.createFrom().nullItem();
                            }
                            run.status = RunStatus.ACTIVE.value();
                            task.heartbeat(Task.RUNNING, Instant.now());
                            return approvals.latestAnswerOf(run.id).chain(answer -> {
                                ObjectNode data = eventLog.data();
                                if (answer == null) {
                                    data.putPOJO("run_config", run.runConfig);
                                } else {
                                    data.put("approval_request_id", answer.id.toString());
                                }
                                String type = answer == null ? TaskEventTypes.RUN_STARTED : TaskEventTypes.RUN_RESUMED;
                                return eventLog.append(task, run.id, type, data)
                                        .call(() -> answer == null ? scheduleReports.run(run, ScheduledRunReported.STARTED, null)
                                                : Uni.createFrom().voidItem())
                                        .chain(() -> messages.userPromptOf(run.id))
                                        .map(prompt -> new Claimed(run, prompt, answer, BudgetHolder.of(task), secretNames(task)));
                            });
                        }))));
    }

    /** Appends one chunk of the assistant's reply; the {@code first} chunk creates the message. */
    public Uni<Boolean> delta(TaskRun claimed, UUID messageId, String chunk, boolean first) {
        // the hot path of a run: one statement takes the seq if the run is still active, without loading the task
        return outbox.transaction(() -> tasks.nextSeqWhileActive(claimed.taskId, claimed.id, Task.RUNNING, Instant.now())
                .chain(next -> {
                    if (next == null) {
                        return Uni.createFrom().item(false);
                    }
                    ObjectNode data = eventLog.data().put("message_id", messageId.toString()).put("delta", chunk);
                    Uni<?> saved = first ? messages.persist(assistantMessage(claimed, messageId, chunk, next.seq()))
                            : messages.append(messageId, chunk);
                    return saved.chain(() -> eventLog.append(claimed.taskId, next, claimed.id, TaskEventTypes.MESSAGE_DELTA, data))
                            .replaceWith(true);
                }));
    }

    /** Appends a {@code tool.call} or {@code tool.result} event while the run is active; answers whether it was. */
    public Uni<Boolean> toolEvent(TaskRun claimed, String type, ObjectNode data) {
        return outbox.transaction(() -> tasks.nextSeqWhileActive(claimed.taskId, claimed.id, Task.RUNNING, Instant.now())
                .chain(next -> next == null ? Uni.createFrom().item(false)
                        : eventLog.append(claimed.taskId, next, claimed.id, type, data).replaceWith(true)));
    }

    private static List<String> secretNames(Task task) {
        List<String> names = new java.util.ArrayList<>();
        if (task.secretNames != null) {
            task.secretNames.forEach(name -> names.add(name.asText()));
        }
        return names;
    }

    /** Completes the assistant message, reports usage and ends the run. */
    public Uni<Boolean> complete(TaskRun claimed, UUID messageId, AgentReply reply) {
        return activeRun(claimed.taskId, claimed.id, (task, run) -> {
            run.finish(RunStatus.COMPLETED, Instant.now());
            task.heartbeat(Task.READY, Instant.now());
            task.runEnded();
            return completeMessage(task, run, messageId, reply)
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.RUN_COMPLETED,
                            eventLog.data().put("status", RunStatus.COMPLETED.value())))
                    .call(() -> budget.release(run.id))
                    .call(() -> scheduleReports.run(run, ScheduledRunReported.COMPLETED, null));
        }).invoke(ended -> countEnd(ended, RunStatus.COMPLETED));
    }

    /**
     * Completes the assistant message, reports usage and suspends the run on an approval request that the
     * user answers through the respond call ({@link #answer}).
     */
    public Uni<Boolean> suspend(TaskRun claimed, UUID messageId, AgentReply reply) {
        return activeRun(claimed.taskId, claimed.id, (task, run) -> {
            Approval approval = new Approval();
            approval.id = UUID.randomUUID();
            approval.taskId = task.id;
            approval.streamId = run.id;
            approval.message = reply.question();
            approval.status = Approval.PENDING;
            approval.requestedAt = Instant.now();
            run.status = RunStatus.SUSPENDED.value();
            task.heartbeat(Task.READY, Instant.now());
            ObjectNode data = eventLog.data().put("id", approval.id.toString()).put("message", approval.message)
                    .put("source", "agent").put("approval_type", "general");
            return completeMessage(task, run, messageId, reply)
                    .chain(() -> approvals.persist(approval))
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.APPROVAL_REQUESTED, data));
        });
    }

    /**
     * Answers the pending approval {@code approvalId} of the task and hands its run back to the runtime.
     * An unknown id is a 404; an approval that is no longer pending (answered, or its run ended) is a 409.
     */
    public Uni<Void> answer(UUID taskId, UUID approvalId, boolean ok, String instructions) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> approvals.findById(approvalId).chain(approval -> {
            if (approval == null || !approval.taskId.equals(taskId)) {
                throw ApiException.notFound("approval request " + approvalId + " not found");
            }
            return runs.findById(approval.streamId, LockModeType.PESSIMISTIC_WRITE).chain(run -> {
                if (!approval.isPending() || run.runStatus() != RunStatus.SUSPENDED) {
                    throw ApiException.conflict("approval_not_pending", "approval request " + approvalId + " is not pending");
                }
                approval.status = ok ? Approval.APPROVED : Approval.REJECTED;
                approval.instructions = instructions;
                approval.answeredAt = Instant.now();
                run.status = RunStatus.PENDING.value();
                task.runtimePhase = Task.BOOTING;
                ObjectNode data = eventLog.data().put("approval_request_id", approvalId.toString()).put("ok", ok);
                if (approval.instructions() != null) {
                    data.put("instructions", approval.instructions());
                }
                return eventLog.append(task, run.id, TaskEventTypes.APPROVAL_ANSWERED, data)
                        .chain(() -> eventLog.requestRun(task, run.id));
            });
        })));
    }

    private Uni<Void> completeMessage(Task task, TaskRun run, UUID messageId, AgentReply reply) {
        return messages.findById(messageId).chain(message -> {
            message.complete = true;
            ObjectNode completed = eventLog.data().put("message_id", messageId.toString())
                    .put("role", message.role).put("content", message.content);
            ObjectNode usage = eventLog.data().put("model", reply.model())
                    .put("input_tokens", reply.inputTokens()).put("output_tokens", reply.outputTokens())
                    .put("total_tokens", reply.inputTokens() + reply.outputTokens())
                    // who and what the usage is billed to (the billing service meters these events)
                    .put("user", task.createdBy);
            if (task.projectId != null) {
                usage.put("project_id", task.projectId.toString());
            }
            task.contextUsedTokens += reply.inputTokens();
            return eventLog.append(task, run.id, TaskEventTypes.MESSAGE_COMPLETED, completed)
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.USAGE_REPORTED, usage))
                    // tokensUsed counts Neo tokens, priced as the billing ledger prices this usage
                    .chain(() -> budget.settle(BudgetHolder.of(task), run.id, reply.model(), reply.inputTokens(), reply.outputTokens()))
                    .invoke(neoTokens -> task.tokensUsed += neoTokens)
                    .replaceWithVoid();
        });
    }

    /** Ends a run that could not go on; a run already finished is left alone. */
    public Uni<Boolean> fail(UUID streamId, String reason) {
        return fail(streamId, reason, null);
    }

    /** As {@link #fail(UUID, String)}, with the error {@code code} (a budget's refusal code) in the event's data. */
    public Uni<Boolean> fail(UUID streamId, String reason, String code) {
        return outbox.transaction(() -> runs.findById(streamId)).chain(found -> found == null ? Uni.createFrom().item(false)
                : activeRun(found.taskId, streamId, (task, run) -> {
                    run.finish(RunStatus.ERROR, Instant.now());
                    task.runEnded();
                    ObjectNode data = eventLog.data().put("status", RunStatus.ERROR.value()).put("reason", reason);
                    if (code != null) {
                        data.put("code", code);
                    }
                    return eventLog.append(task, run.id, TaskEventTypes.RUN_FAILED, data)
                            .call(() -> budget.release(run.id))
                            .call(() -> scheduleReports.run(run, ScheduledRunReported.FAILED, reason));
                })).invoke(ended -> countEnd(ended, RunStatus.ERROR));
    }

    /**
     * Stops the run, as failed with the limit's refusal code, when a limit of its budget is used up (by this run's
     * usage, other runs', or a lower allowance); answers whether it stopped it.
     */
    public Uni<Boolean> stopIfBudgetUsedUp(Claimed claimed) {
        return outbox.transaction(() -> budget.exhausted(claimed.holder())).chain(line -> line == null ? Uni.createFrom().item(false)
                : fail(claimed.run().id, Admission.refusalMessage(line), line.scope().refusalCode()).replaceWith(true));
    }

    /**
     * Cancels the task's unfinished run, if any, with a {@code run.aborted} event; cancelling a task with nothing
     * running changes nothing. The runtime notices at its next step and stops.
     */
    public Uni<Boolean> abortLatest(UUID taskId, boolean force) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.latestOf(taskId).chain(latest -> {
            if (latest == null || latest.runStatus().isFinished()) {
                return Uni.createFrom().item(false);
            }
            latest.finish(RunStatus.ABORTED, Instant.now());
            task.runEnded();
            return eventLog.append(task, latest.id, TaskEventTypes.RUN_ABORTED, eventLog.data()
                    .put("status", RunStatus.ABORTED.value()).put("reason", "cancelled").put("force", force))
                    .call(() -> budget.release(latest.id))
                    .call(() -> scheduleReports.run(latest, ScheduledRunReported.FAILED, "cancelled"))
                    .replaceWith(true);
        }))).invoke(ended -> countEnd(ended, RunStatus.ABORTED));
    }

    private void countEnd(boolean ended, RunStatus status) {
        if (ended) {
            metrics.runEnded(status);
        }
    }

    private interface Step {
        Uni<Void> apply(Task task, TaskRun run);
    }

    /**
     * Runs {@code step} in a transaction if the run is still active. Every writer of a run locks its task first, so
     * the task's lock also holds the run still.
     */
    private Uni<Boolean> activeRun(UUID taskId, UUID streamId, Step step) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.findById(streamId)
                .chain(run -> run != null && run.runStatus() == RunStatus.ACTIVE
                        ? step.apply(task, run).replaceWith(true)
                        : Uni.createFrom().item(false))));
    }

    private static TaskMessage assistantMessage(TaskRun run, UUID messageId, String firstChunk, long firstSeq) {
        TaskMessage message = new TaskMessage();
        message.id = messageId;
        message.taskId = run.taskId;
        message.streamId = run.id;
        message.role = "assistant";
        message.content = firstChunk;
        message.complete = false;
        message.firstSeq = firstSeq;
        message.createdAt = Instant.now();
        return message;
    }
}
