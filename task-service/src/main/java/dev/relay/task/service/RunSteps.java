package dev.relay.task.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.reactive.InTurn;
import dev.relay.task.domain.Admission;
import dev.relay.task.domain.Approval;
import dev.relay.task.domain.BudgetHolder;
import dev.relay.task.domain.RunStatus;
import dev.relay.task.domain.Task;
import dev.relay.task.domain.TaskMessage;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.domain.ToolCall;
import dev.relay.task.repository.ApprovalRepository;
import dev.relay.task.repository.TaskMessageRepository;
import dev.relay.task.repository.TaskRepository;
import dev.relay.task.repository.TaskRunRepository;
import dev.relay.task.repository.ToolCallRepository;
import dev.relay.task.runtime.tools.ToolResult;
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
    private final ToolCallRepository toolCalls;
    private final CompletionDelivery completion;

    public RunSteps(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages, TaskEventLog eventLog,
            ApprovalRepository approvals, Outbox outbox, ScheduleReports scheduleReports, BudgetAdmission budget,
            TaskMetrics metrics, ToolCallRepository toolCalls, CompletionDelivery completion) {
        this.completion = completion;
        this.toolCalls = toolCalls;
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
     * The state a run starts (or resumes) from: its task's conversation so far (messages and tool calls; the calls of
     * this run still without a result are settled before the agent goes on), the answer to the confirmation it asked
     * for without a call (null when none), the approvals of its calls, and the task's settings.
     */
    public record Claimed(TaskRun run, List<TaskMessage> messages, List<ToolCall> calls, Approval answer,
            List<Approval> approvals, BudgetHolder holder, List<String> secretNames, String approvalMode, boolean readOnly) {

        /** This run's calls without a result: made before a restart, or waiting for an approval that came. */
        public List<ToolCall> unsettled() {
            return calls.stream().filter(call -> call.streamId.equals(run.id) && !call.hasResult()).toList();
        }

        /** The answered approval of {@code call}, or null. */
        public Approval approvalOf(ToolCall call) {
            return approvals.stream().filter(approval -> call.id.equals(approval.toolCallId) && !approval.isPending())
                    .findFirst().orElse(null);
        }
    }

    /**
     * Moves a pending run to active and announces it ({@code run.started}, or {@code run.resumed} after an
     * approval); a run that is not pending is left alone (redelivery), and the answer is null.
     */
    public Uni<Claimed> claim(UUID streamId) {
        return outbox.transaction(() -> lockedTaskOf(streamId, (task, run) -> {
                            if (run.runStatus() != RunStatus.PENDING) {
                                return Uni.createFrom().nullItem();
                            }
                            run.status = RunStatus.ACTIVE.value();
                            run.attempt++;
                            run.heartbeatAt = Instant.now();
                            boolean recovered = run.recovering;
                            run.recovering = false;
                            task.heartbeat(Task.RUNNING, Instant.now());
                            return approvals.ofRun(run.id).chain(ofRun -> {
                                Approval latest = ofRun.stream().filter(approval -> !approval.isPending())
                                        .reduce((first, second) -> second).orElse(null);
                                ObjectNode data = eventLog.data();
                                if (recovered) {
                                    data.put("reason", "recovered").put("recoveries", run.recoveries);
                                } else if (latest == null) {
                                    data.putPOJO("run_config", run.runConfig);
                                } else {
                                    data.put("approval_request_id", latest.id.toString());
                                }
                                String type = latest == null && !recovered ? TaskEventTypes.RUN_STARTED : TaskEventTypes.RUN_RESUMED;
                                Approval answer = ofRun.stream().filter(approval -> !approval.isPending()
                                        && Approval.GENERAL.equals(approval.approvalType)).reduce((first, second) -> second).orElse(null);
                                return eventLog.append(task, run.id, type, data)
                                        // the message its lost worker was writing ends where it stopped
                                        .call(() -> recovered ? completeUnfinished(task, run) : Uni.createFrom().voidItem())
                                        .call(() -> type.equals(TaskEventTypes.RUN_STARTED) ? scheduleReports.run(run, ScheduledRunReported.STARTED, null)
                                                : Uni.createFrom().voidItem())
                                        .chain(() -> messages.ofTask(task.id))
                                        .chain(taskMessages -> toolCalls.ofTask(task.id).map(calls -> new Claimed(run, taskMessages,
                                                calls, answer, ofRun, BudgetHolder.of(task), secretNames(task), task.approvalMode,
                                                "read-only".equals(task.permissionMode))));
                            });
                        }));
    }

    /**
     * Locks the task of run {@code streamId} and only then reads the run, so what a step checks is the run as the
     * task's lock holds it (a run read before the lock would be answered from the session's cache, as it was before a
     * cancel that committed in between). Answers null, doing nothing, when there is no such run.
     */
    private <T> Uni<T> lockedTaskOf(UUID streamId, ItemStep<T> step) {
        return runs.taskIdOf(streamId).chain(taskId -> taskId == null ? Uni.createFrom().<T>nullItem()
                : tasks.lock(taskId).chain(task -> runs.findById(streamId).chain(run -> step.apply(task, run))));
    }

    /** Appends one chunk of the assistant's reply; the {@code first} chunk creates the message. */
    public Uni<Boolean> delta(TaskRun claimed, UUID messageId, String chunk, boolean first) {
        // the hot path of a run: one statement takes the seq if the run is still active, without loading the task
        return outbox.transaction(() -> tasks.nextSeqWhileActive(claimed.taskId, claimed.id, claimed.attempt, Task.RUNNING, Instant.now())
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

    /**
     * Records a call the model made ({@code tool.call}) while the run is active; answers the call's row, or null when
     * the run is no longer active.
     */
    public Uni<ToolCall> recordCall(TaskRun claimed, String callId, String name, JsonNode arguments) {
        return activeRunItem(claimed, (task, run) -> {
            ObjectNode data = eventLog.data().put("call_id", callId).put("name", name);
            data.set("arguments", arguments);
            return eventLog.append(task, run.id, TaskEventTypes.TOOL_CALL, data)
                    .chain(() -> toolCalls.persist(ToolCall.recorded(run, callId, task.lastSeq, name, arguments.toString(), Instant.now())));
        });
    }

    /** Records the result of a recorded call ({@code tool.result}) while the run is active; answers whether it was. */
    public Uni<Boolean> recordResult(TaskRun claimed, ToolCall call, ToolResult result, long durationMillis) {
        return activeRun(claimed, (task, run) -> toolCalls.findById(call.id).chain(row -> {
            row.finish(result.output(), result.error(), Instant.now());
            call.finish(result.output(), result.error(), row.finishedAt);
            return eventLog.append(task, run.id, TaskEventTypes.TOOL_RESULT, eventLog.data().put("call_id", call.callId)
                    .put("name", call.name).put("output", result.output()).put("error", result.error())
                    .put("duration_ms", durationMillis));
        }));
    }

    /** Completes an assistant message that is followed by a tool call ({@code message.completed}). */
    public Uni<Boolean> closeMessage(TaskRun claimed, UUID messageId) {
        return activeRun(claimed, (task, run) -> completeMessage(task, run, messageId));
    }

    /**
     * Reports what one model call used ({@code usage.reported}) and counts it against the run's budget, as the
     * billing ledger prices it.
     */
    public Uni<Boolean> usage(TaskRun claimed, String model, int inputTokens, int outputTokens) {
        return activeRun(claimed, (task, run) -> {
            ObjectNode usage = eventLog.data().put("model", model)
                    .put("input_tokens", inputTokens).put("output_tokens", outputTokens)
                    .put("total_tokens", inputTokens + outputTokens)
                    // who and what the usage is billed to (the billing service meters these events)
                    .put("user", task.createdBy);
            if (task.projectId != null) {
                usage.put("project_id", task.projectId.toString());
            }
            task.contextUsedTokens += inputTokens;
            run.inputTokens += inputTokens;
            run.outputTokens += outputTokens;
            return eventLog.append(task, run.id, TaskEventTypes.USAGE_REPORTED, usage)
                    // tokensUsed counts Neo tokens, priced as the billing ledger prices this usage
                    .chain(() -> budget.settle(BudgetHolder.of(task), run.id, model, inputTokens, outputTokens))
                    .invoke(neoTokens -> task.tokensUsed += neoTokens)
                    .replaceWithVoid();
        });
    }

    private static List<String> secretNames(Task task) {
        List<String> names = new java.util.ArrayList<>();
        if (task.secretNames != null) {
            task.secretNames.forEach(name -> names.add(name.asText()));
        }
        return names;
    }

    /** Completes the assistant message (when the run wrote one) and ends the run. */
    public Uni<Boolean> complete(TaskRun claimed, UUID messageId) {
        return activeRun(claimed, (task, run) -> {
            run.finish(RunStatus.COMPLETED, Instant.now());
            task.heartbeat(Task.READY, Instant.now());
            task.runEnded();
            return completeMessage(task, run, messageId)
                    .chain(() -> completion.completed(task, run))
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.RUN_COMPLETED,
                            eventLog.data().put("status", RunStatus.COMPLETED.value())))
                    .call(() -> budget.release(run.id))
                    .call(() -> scheduleReports.run(run, ScheduledRunReported.COMPLETED, null));
        }).invoke(ended -> countEnd(ended, RunStatus.COMPLETED));
    }

    /**
     * Completes the assistant message (when the run wrote one) and suspends the run on an approval request of
     * {@code approvalType} about {@code toolCallId} (null for a general confirmation), which the user answers through
     * the respond call ({@link #answer}).
     */
    public Uni<Boolean> suspend(TaskRun claimed, UUID messageId, String approvalType, String question, UUID toolCallId) {
        return activeRun(claimed, (task, run) -> {
            Approval approval = Approval.requested(run, approvalType, question, toolCallId, Instant.now());
            run.status = RunStatus.SUSPENDED.value();
            task.heartbeat(Task.READY, Instant.now());
            ObjectNode data = eventLog.data().put("id", approval.id.toString()).put("message", approval.message)
                    .put("source", "agent").put("approval_type", approvalType);
            return completeMessage(task, run, messageId)
                    .chain(() -> approvals.persist(approval))
                    .chain(() -> toolCallId == null ? Uni.createFrom().voidItem()
                            : toolCalls.findById(toolCallId).invoke(call -> data.put("call_id", call.callId).put("tool", call.name))
                                    .replaceWithVoid())
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

    private Uni<Void> completeUnfinished(Task task, TaskRun run) {
        return messages.unfinishedOf(run.id).chain(unfinished -> InTurn.each(unfinished, message -> completeMessage(task, run, message.id)));
    }

    /** Completes the message {@code messageId} if the run wrote it and it is not complete yet. */
    private Uni<Void> completeMessage(Task task, TaskRun run, UUID messageId) {
        if (messageId == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.findById(messageId).chain(message -> {
            if (message == null || message.complete) {
                return Uni.createFrom().voidItem();
            }
            message.complete = true;
            ObjectNode completed = eventLog.data().put("message_id", messageId.toString())
                    .put("role", message.role).put("content", message.content);
            return eventLog.append(task, run.id, TaskEventTypes.MESSAGE_COMPLETED, completed);
        });
    }

    /** Ends a run that could not go on (whoever works it); a run already finished is left alone. */
    public Uni<Boolean> fail(UUID streamId, String reason) {
        return outbox.transaction(() -> runs.findById(streamId)).chain(found -> found == null ? Uni.createFrom().item(false)
                : fail(found.taskId, streamId, null, reason, null));
    }

    /**
     * Ends the claimed run as failed, with the error {@code code} (a budget's refusal code) in the event's data when
     * there is one; a run claimed again since (its worker was taken for dead) is left to its new worker.
     */
    public Uni<Boolean> fail(TaskRun claimed, String reason, String code) {
        return fail(claimed.taskId, claimed.id, claimed.attempt, reason, code);
    }

    private Uni<Boolean> fail(UUID taskId, UUID streamId, Integer attempt, String reason, String code) {
        return activeRun(taskId, streamId, attempt, (task, run) -> {
            run.finish(RunStatus.ERROR, Instant.now());
            task.runEnded();
            ObjectNode data = eventLog.data().put("status", RunStatus.ERROR.value()).put("reason", reason);
            if (code != null) {
                data.put("code", code);
            }
            return eventLog.append(task, run.id, TaskEventTypes.RUN_FAILED, data)
                    .call(() -> budget.release(run.id))
                    .call(() -> scheduleReports.run(run, ScheduledRunReported.FAILED, reason));
        }).invoke(ended -> countEnd(ended, RunStatus.ERROR));
    }

    /** Ends a run as failed if its worker is still silent since {@code staleBefore} (and nobody claimed it since). */
    public Uni<Boolean> failIfSilent(UUID streamId, Instant staleBefore, String reason) {
        return outbox.transaction(() -> runs.findById(streamId)).chain(found -> found == null
                || !(found.heartbeatAt == null ? found.createdAt : found.heartbeatAt).isBefore(staleBefore) ? Uni.createFrom().item(false)
                : fail(found.taskId, streamId, found.attempt, reason, null));
    }

    /**
     * Hands an active run whose worker stopped heartbeating to a worker again (it resumes from its recorded steps),
     * at most {@code maxRecoveries} times; after that it is ended as failed. Answers whether it was handed over.
     */
    public Uni<Boolean> recover(UUID streamId, Instant staleBefore, int maxRecoveries) {
        return outbox.transaction(() -> lockedTaskOf(streamId, (task, run) -> {
                    Instant seen = run.heartbeatAt == null ? run.createdAt : run.heartbeatAt;
                    if (run.runStatus() != RunStatus.ACTIVE || !seen.isBefore(staleBefore) || run.recoveries >= maxRecoveries) {
                        return Uni.createFrom().item(false);
                    }
                    run.recoveries++;
                    run.recovering = true;
                    run.status = RunStatus.PENDING.value();
                    task.runtimePhase = Task.BOOTING;
                    return eventLog.requestRun(task, run.id).replaceWith(true);
                })).map(handedOver -> handedOver != null && handedOver);
    }

    /**
     * Stops the run, as failed with the limit's refusal code, when a limit of its budget is used up (by this run's
     * usage, other runs', or a lower allowance); answers whether it stopped it.
     */
    public Uni<Boolean> stopIfBudgetUsedUp(Claimed claimed) {
        return outbox.transaction(() -> budget.exhausted(claimed.holder())).chain(line -> line == null ? Uni.createFrom().item(false)
                : fail(claimed.run(), Admission.refusalMessage(line), line.scope().refusalCode()).replaceWith(true));
    }

    /**
     * Cancels the task's unfinished run, if any, with a {@code run.aborted} event, and answers its id (null when
     * nothing was running: cancelling then changes nothing). A worker elsewhere notices at its next step and stops.
     */
    public Uni<UUID> abortLatest(UUID taskId, boolean force) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.latestOf(taskId).chain(latest -> {
            if (latest == null || latest.runStatus().isFinished()) {
                return Uni.createFrom().<UUID>nullItem();
            }
            latest.finish(RunStatus.ABORTED, Instant.now());
            task.runEnded();
            return eventLog.append(task, latest.id, TaskEventTypes.RUN_ABORTED, eventLog.data()
                    .put("status", RunStatus.ABORTED.value()).put("reason", "cancelled").put("force", force))
                    .call(() -> budget.release(latest.id))
                    .call(() -> scheduleReports.run(latest, ScheduledRunReported.FAILED, "cancelled"))
                    .replaceWith(latest.id);
        }))).invoke(aborted -> countEnd(aborted != null, RunStatus.ABORTED));
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
     * Runs {@code step} in a transaction if the run is still active and, when {@code attempt} is given, still claimed
     * by that attempt. Every writer of a run locks its task first, so the task's lock also holds the run still.
     */
    private Uni<Boolean> activeRun(UUID taskId, UUID streamId, Integer attempt, Step step) {
        return activeRunItem(taskId, streamId, attempt, (task, run) -> step.apply(task, run).replaceWith(true))
                .map(applied -> applied != null);
    }

    private Uni<Boolean> activeRun(TaskRun claimed, Step step) {
        return activeRun(claimed.taskId, claimed.id, claimed.attempt, step);
    }

    private interface ItemStep<T> {
        Uni<T> apply(Task task, TaskRun run);
    }

    /** As {@link #activeRun}, answering what {@code step} answers, or null when the run is no longer active. */
    private <T> Uni<T> activeRunItem(UUID taskId, UUID streamId, Integer attempt, ItemStep<T> step) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.findById(streamId)
                .chain(run -> run != null && run.runStatus() == RunStatus.ACTIVE && (attempt == null || run.attempt == attempt)
                        ? step.apply(task, run)
                        : Uni.createFrom().<T>nullItem())));
    }

    private <T> Uni<T> activeRunItem(TaskRun claimed, ItemStep<T> step) {
        return activeRunItem(claimed.taskId, claimed.id, claimed.attempt, step);
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
