package dev.relay.task.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.error.ApiException;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.task.domain.Approval;
import dev.relay.task.domain.OutboxEvent;
import dev.relay.task.domain.RunStatus;
import dev.relay.task.domain.Task;
import dev.relay.task.domain.TaskMessage;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.repository.ApprovalRepository;
import dev.relay.task.repository.TaskMessageRepository;
import dev.relay.task.repository.TaskRepository;
import dev.relay.task.repository.TaskRunRepository;
import dev.relay.task.runtime.AgentReply;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The transactions a run is made of. Each step locks the task, changes the materialized state and appends the
 * matching events, and answers the outbox records to publish (none when the run is no longer theirs to change).
 */
@ApplicationScoped
public class RunSteps {

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final TaskEventLog eventLog;
    private final ApprovalRepository approvals;

    public RunSteps(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages, TaskEventLog eventLog,
            ApprovalRepository approvals) {
        this.approvals = approvals;
        this.tasks = tasks;
        this.runs = runs;
        this.messages = messages;
        this.eventLog = eventLog;
    }

    /**
     * The state a run starts (or resumes) from: its task's prompt and settings and, when it resumes, the answer to
     * the approval it asked for.
     */
    public record Claimed(TaskRun run, String prompt, Approval answer, List<OutboxEvent> records) {
    }

    /**
     * Moves a pending run to active and announces it ({@code run.started}, or {@code run.resumed} after an
     * approval); a run that is not pending is left alone (redelivery), and the answer is null.
     */
    @WithTransaction
    public Uni<Claimed> claim(UUID streamId) {
        return runs.findById(streamId).chain(found -> found == null ? Uni.createFrom().nullItem()
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
                                        .chain(started -> userPrompt(run)
                                                .map(prompt -> new Claimed(run, prompt, answer, List.of(started))));
                            });
                        })));
    }

    /** Appends one chunk of the assistant's reply, creating the message with the first chunk. */
    @WithTransaction
    public Uni<List<OutboxEvent>> delta(UUID streamId, UUID messageId, String chunk) {
        return activeRun(streamId, (task, run) -> messages.findById(messageId).chain(existing -> {
            TaskMessage message = existing != null ? existing : assistantMessage(task, run, messageId);
            message.content = message.content + chunk;
            task.heartbeat(Task.RUNNING, Instant.now());
            ObjectNode data = eventLog.data().put("message_id", messageId.toString()).put("delta", chunk);
            Uni<TaskMessage> saved = existing != null ? Uni.createFrom().item(message) : messages.persist(message);
            return saved.chain(() -> eventLog.append(task, run.id, TaskEventTypes.MESSAGE_DELTA, data)).map(List::of);
        }));
    }

    /** Completes the assistant message, reports usage and ends the run. */
    @WithTransaction
    public Uni<List<OutboxEvent>> complete(UUID streamId, UUID messageId, AgentReply reply) {
        return activeRun(streamId, (task, run) -> {
            List<OutboxEvent> records = new ArrayList<>();
            run.finish(RunStatus.COMPLETED, Instant.now());
            task.heartbeat(Task.READY, Instant.now());
            task.runEnded();
            return completeMessage(task, run, messageId, reply, records)
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.RUN_COMPLETED,
                            eventLog.data().put("status", RunStatus.COMPLETED.value()))).invoke(records::add)
                    .map(last -> records);
        });
    }

    /**
     * Completes the assistant message, reports usage and suspends the run on an approval request that the
     * user answers through the respond call ({@link #answer}).
     */
    @WithTransaction
    public Uni<List<OutboxEvent>> suspend(UUID streamId, UUID messageId, AgentReply reply) {
        return activeRun(streamId, (task, run) -> {
            List<OutboxEvent> records = new ArrayList<>();
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
            return completeMessage(task, run, messageId, reply, records)
                    .chain(() -> approvals.persist(approval))
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.APPROVAL_REQUESTED, data)).invoke(records::add)
                    .map(last -> records);
        });
    }

    /**
     * Answers the pending approval {@code approvalId} of the task and hands its run back to the runtime.
     * An unknown id is a 404; an approval that is no longer pending (answered, or its run ended) is a 409.
     */
    @WithTransaction
    public Uni<List<OutboxEvent>> answer(UUID taskId, UUID approvalId, boolean ok, String instructions) {
        return tasks.lock(taskId).chain(task -> approvals.findById(approvalId).chain(approval -> {
            if (approval == null || !approval.taskId.equals(taskId)) {
                throw ApiException.notFound("approval request " + approvalId + " not found");
            }
            return runs.findById(approval.streamId, LockModeType.PESSIMISTIC_WRITE).chain(run -> {
                if (!approval.isPending() || run.runStatus() != RunStatus.SUSPENDED) {
                    throw ApiException.conflict("approval_not_pending", "approval request " + approvalId + " is not pending");
                }
                List<OutboxEvent> records = new ArrayList<>();
                approval.status = ok ? Approval.APPROVED : Approval.REJECTED;
                approval.instructions = instructions;
                approval.answeredAt = Instant.now();
                run.status = RunStatus.PENDING.value();
                task.runtimePhase = Task.BOOTING;
                ObjectNode data = eventLog.data().put("approval_request_id", approvalId.toString()).put("ok", ok);
                if (approval.instructions() != null) {
                    data.put("instructions", approval.instructions());
                }
                return eventLog.append(task, run.id, TaskEventTypes.APPROVAL_ANSWERED, data).invoke(records::add)
                        .chain(() -> eventLog.requestRun(task, run.id)).invoke(records::add)
                        .map(last -> records);
            });
        }));
    }

    private Uni<OutboxEvent> completeMessage(Task task, TaskRun run, UUID messageId, AgentReply reply, List<OutboxEvent> records) {
        return messages.findById(messageId).chain(message -> {
            message.complete = true;
            ObjectNode completed = eventLog.data().put("message_id", messageId.toString())
                    .put("role", message.role).put("content", message.content);
            ObjectNode usage = eventLog.data().put("model", reply.model())
                    .put("input_tokens", reply.inputTokens()).put("output_tokens", reply.outputTokens())
                    .put("total_tokens", reply.inputTokens() + reply.outputTokens());
            task.tokensUsed += reply.inputTokens() + reply.outputTokens();
            task.contextUsedTokens += reply.inputTokens();
            return eventLog.append(task, run.id, TaskEventTypes.MESSAGE_COMPLETED, completed).invoke(records::add)
                    .chain(() -> eventLog.append(task, run.id, TaskEventTypes.USAGE_REPORTED, usage)).invoke(records::add);
        });
    }

    /** Ends a run that could not go on; a run already finished is left alone. */
    @WithTransaction
    public Uni<List<OutboxEvent>> fail(UUID streamId, String reason) {
        return activeRun(streamId, (task, run) -> {
            run.finish(RunStatus.ERROR, Instant.now());
            task.runEnded();
            return eventLog.append(task, run.id, TaskEventTypes.RUN_FAILED,
                    eventLog.data().put("status", RunStatus.ERROR.value()).put("reason", reason)).map(List::of);
        });
    }

    /**
     * Cancels the task's unfinished run, if any, with a {@code run.aborted} event; cancelling a task with nothing
     * running changes nothing. The runtime notices at its next step and stops.
     */
    @WithTransaction
    public Uni<List<OutboxEvent>> abortLatest(UUID taskId, boolean force) {
        return tasks.lock(taskId).chain(task -> runs.ofTask(taskId).chain(all -> {
            TaskRun latest = all.isEmpty() ? null : all.get(all.size() - 1);
            if (latest == null || latest.runStatus().isFinished()) {
                return Uni.createFrom().item(List.<OutboxEvent>of());
            }
            latest.finish(RunStatus.ABORTED, Instant.now());
            task.runEnded();
            return eventLog.append(task, latest.id, TaskEventTypes.RUN_ABORTED, eventLog.data()
                    .put("status", RunStatus.ABORTED.value()).put("reason", "cancelled").put("force", force)).map(List::of);
        }));
    }

    private interface Step {
        Uni<List<OutboxEvent>> apply(Task task, TaskRun run);
    }

    private Uni<List<OutboxEvent>> activeRun(UUID streamId, Step step) {
        return runs.findById(streamId).chain(found -> found == null ? Uni.createFrom().item(List.<OutboxEvent>of())
                : tasks.lock(found.taskId).chain(task -> runs.findById(streamId, LockModeType.PESSIMISTIC_WRITE)
                        .chain(run -> run.runStatus() == RunStatus.ACTIVE ? step.apply(task, run)
                                : Uni.createFrom().item(List.<OutboxEvent>of()))));
    }

    private Uni<String> userPrompt(TaskRun run) {
        return messages.find("streamId = ?1 and role = 'user'", run.id).firstResult()
                .map(message -> message == null ? "" : message.content);
    }

    private static TaskMessage assistantMessage(Task task, TaskRun run, UUID messageId) {
        TaskMessage message = new TaskMessage();
        message.id = messageId;
        message.taskId = task.id;
        message.streamId = run.id;
        message.role = "assistant";
        message.content = "";
        message.complete = false;
        message.firstSeq = task.lastSeq + 1;
        message.createdAt = Instant.now();
        return message;
    }
}
