package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.task.Approval;
import dev.relay.task.task.ApprovalRepository;
import dev.relay.task.task.RunStatus;
import dev.relay.task.task.ScheduleReports;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskMessage;
import dev.relay.task.task.TaskMessageRepository;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskRunRepository;
import io.smallrye.mutiny.Uni;

/** A worker takes a pending run: the run becomes active under a new attempt, and the worker gets what it starts from. */
@ApplicationScoped
class RunClaims {

    /** The {@code run.failed} code of a run that did not start within its {@code start_deadline_seconds}. */
    static final String START_DEADLINE_PASSED = "start_deadline_passed";

    private final ActiveRuns activeRuns;
    private final Outbox outbox;
    private final TaskEventLog eventLog;
    private final ApprovalRepository approvals;
    private final TaskMessageRepository messages;
    private final ToolCallRepository toolCalls;
    private final ReplyWriter replies;
    private final ScheduleReports scheduleReports;
    private final RunEndings endings;
    private final OrgSlots slots;
    private final OrgRunLimits limits;
    private final TaskRunRepository runs;
    private final WaitingRuns waiting;

    RunClaims(OrgSlots slots, OrgRunLimits limits, ActiveRuns activeRuns, Outbox outbox, TaskEventLog eventLog, ApprovalRepository approvals,
            TaskMessageRepository messages, ToolCallRepository toolCalls, ReplyWriter replies, ScheduleReports scheduleReports,
            RunEndings endings, TaskRunRepository runs, WaitingRuns waiting) {
        this.runs = runs;
        this.waiting = waiting;
        this.slots = slots;
        this.limits = limits;
        this.endings = endings;
        this.activeRuns = activeRuns;
        this.outbox = outbox;
        this.eventLog = eventLog;
        this.approvals = approvals;
        this.messages = messages;
        this.toolCalls = toolCalls;
        this.replies = replies;
        this.scheduleReports = scheduleReports;
    }

    /**
     * Moves a pending run to active and announces it ({@code run.started}, or {@code run.resumed} after an approval
     * or a recovery); a run that is not pending is left alone (redelivery, or cancelled), and the answer is null; so is a run
     * never started whose start deadline passed, which ends as failed instead, and a run that must wait: this instance
     * has no {@code room} or the run's organization works its limit of runs already (it stays pending, and says once
     * that it is queued). With {@code fromRecord} (the run's {@code task-runs} record), a run waiting its turn is left
     * alone too: the dispatchers take it.
     */
    Uni<ClaimedRun> claim(UUID taskId, UUID streamId, boolean room, boolean fromRecord) {
        ActiveRuns.Step<ClaimedRun> claim = (task, run) -> {
            if (run.runStatus() != RunStatus.PENDING) {
                return Uni.createFrom().nullItem();
            }
            if (pastStartDeadline(run)) {
                return failUnstarted(task, run).replaceWith((ClaimedRun) null);
            }
            if (fromRecord && run.waitsItsTurn()) {
                return Uni.createFrom().nullItem();
            }
            if (!room) {
                return heldBack(task, run, new TaskEventData.RunQueued(TaskEventData.RunQueued.CAPACITY, null));
            }
            return limits.of(run.orgId).chain(limit -> slots.take(run, limit).chain(slot -> slot == null
                    ? heldBack(task, run, new TaskEventData.RunQueued(TaskEventData.RunQueued.ORG_LIMIT, limit))
                    : claimed(task, run, slot)));
        };
        return outbox.transaction(() -> activeRuns.locked(taskId, streamId, claim));
    }

    /**
     * Ends a run that waited its turn past its start deadline as failed, without waiting for its turn; answers whether
     * it did (a run claimed or ended meanwhile is left alone).
     */
    Uni<Boolean> endIfPastStartDeadline(UUID streamId) {
        return outbox.transaction(() -> activeRuns.locked(streamId, (task, run) -> run != null && run.runStatus() == RunStatus.PENDING
                && pastStartDeadline(run) ? failUnstarted(task, run).replaceWith(true) : Uni.createFrom().item(false)))
                .map(ended -> ended != null && ended);
    }

    /** Whether the run was never started and its start deadline passed. */
    private static boolean pastStartDeadline(TaskRun run) {
        Instant startBy = run.runConfig.startBy(run.createdAt);
        return run.attempt == 0 && startBy != null && Instant.now().isAfter(startBy);
    }

    private Uni<Void> failUnstarted(Task task, TaskRun run) {
        return endings.failUnstarted(task, run, "the run did not start within its start deadline ("
                + run.runConfig.startDeadlineSeconds() + " s after it was requested)", START_DEADLINE_PASSED);
    }

    private Uni<ClaimedRun> heldBack(Task task, TaskRun run, TaskEventData.RunQueued queued) {
        waiting.held();
        Uni<Void> said = run.holdBack(Instant.now()) ? eventLog.append(task, run.id, queued) : Uni.createFrom().voidItem();
        return said.replaceWith((ClaimedRun) null);
    }

    private Uni<ClaimedRun> claimed(Task task, TaskRun run, int slot) {
        boolean recovered = run.claim(Instant.now(), slot);
        task.heartbeat(Task.RUNNING, Instant.now());
        // approvals are asked for by a run at work only: a run claimed for the first time has none
        Uni<List<Approval>> approvalsOfRun = run.attempt == 1 ? Uni.createFrom().item(List.of()) : approvals.ofRun(run.id);
        return approvalsOfRun.chain(ofRun -> announce(task, run, recovered, ofRun)
                .chain(() -> messages.ofTask(task.id))
                // a message sent into this run that its agent has not taken in joins at its first model call
                .map(taskMessages -> taskMessages.stream().filter(message -> !message.steersPendingInto(run.id)).toList())
                .chain(taskMessages -> taskTokens(task, run).chain(taskTokens -> toolCallsOf(task, run, taskMessages).map(calls -> new ClaimedRun(run,
                        taskMessages, calls, latestAnswered(ofRun, true), ofRun, task.budgetHolder(), task.secretNameList(),
                        task.approvalMode, task.isReadOnly(), task.integrationIds(), taskTokens)))));
    }

    /**
     * The task's tool calls, for the conversation: none when the run is claimed for the first time and the conversation
     * is its own alone (a tool call is made by a run at work, and every run of the task has its own message).
     */
    private Uni<List<ToolCall>> toolCallsOf(Task task, TaskRun run, List<TaskMessage> taskMessages) {
        boolean onlyThisRun = run.attempt == 1 && taskMessages.stream().allMatch(message -> run.id.equals(message.streamId));
        return onlyThisRun ? Uni.createFrom().item(List.of()) : toolCalls.ofTask(task.id);
    }

    /** The task's own token limit and what its other runs used of it (read only when it has one); null: none. */
    private Uni<ClaimedRun.TaskTokens> taskTokens(Task task, TaskRun run) {
        return task.maxTokens == null ? Uni.createFrom().nullItem()
                : runs.tokensOfOtherRuns(task.id, run.id).map(used -> new ClaimedRun.TaskTokens(task.maxTokens, used));
    }

    private Uni<Void> announce(Task task, TaskRun run, boolean recovered, List<Approval> ofRun) {
        Approval latest = latestAnswered(ofRun, false);
        boolean started = latest == null && !recovered;
        TaskEventData data = recovered ? TaskEventData.RunResumed.recovered(run.recoveries)
                : started ? new TaskEventData.RunStarted(eventLog.tree(run.runConfig)) : TaskEventData.RunResumed.answered(latest.id);
        return eventLog.append(task, run.id, data)
                // the message its lost worker was writing ends where it stopped
                .call(() -> recovered ? replies.completeUnfinished(task, run) : Uni.createFrom().voidItem())
                .call(() -> started ? scheduleReports.run(run, ScheduledRunReported.STARTED, null) : Uni.createFrom().voidItem());
    }

    /** The last answered approval of the run ({@code generalOnly}: of a confirmation asked for without a call), or null. */
    private static Approval latestAnswered(List<Approval> ofRun, boolean generalOnly) {
        return ofRun.stream().filter(approval -> !approval.isPending()
                        && (!generalOnly || Approval.GENERAL.equals(approval.approvalType)))
                .reduce((first, second) -> second).orElse(null);
    }
}
