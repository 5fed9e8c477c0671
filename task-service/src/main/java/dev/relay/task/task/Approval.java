package dev.relay.task.task;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A confirmation a run asked the user for; the run stays suspended until the user answers it. */
@Entity
@Table(name = "approval")
public class Approval {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";

    /** A confirmation of what the run proposes. */
    public static final String GENERAL = "general";
    /** A question the model asked (its ask_question call). */
    public static final String QUESTION = "question";
    /** A call that changes something, waiting for the user's go-ahead. */
    public static final String TOOL_CALL = "tool_call";

    @Id
    public UUID id;
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "stream_id")
    public UUID streamId;
    public String message;
    public String status;
    /** What the user asked the agent to do instead, when they rejected the request. */
    public String instructions;
    @Column(name = "approval_type")
    public String approvalType = GENERAL;
    /** The call a question or a tool approval answers, else null. */
    @Column(name = "tool_call_id")
    public UUID toolCallId;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "answered_at")
    public Instant answeredAt;

    /** What {@code run} asks the user ({@code approvalType}), about the call {@code toolCallId} when there is one. */
    public static Approval requested(TaskRun run, String approvalType, String message, UUID toolCallId, Instant at) {
        Approval approval = new Approval();
        approval.id = UUID.randomUUID();
        approval.taskId = run.taskId;
        approval.streamId = run.id;
        approval.message = message;
        approval.status = PENDING;
        approval.approvalType = approvalType;
        approval.toolCallId = toolCallId;
        approval.requestedAt = at;
        return approval;
    }

    /** The user's answer: approved or not, with what they asked for instead. */
    public void answer(boolean approved, String instructions, Instant at) {
        if (!isPending()) {
            throw new IllegalStateException("approval request " + id + " was answered already");
        }
        status = approved ? APPROVED : REJECTED;
        this.instructions = instructions;
        answeredAt = at;
    }

    public boolean isPending() {
        return PENDING.equals(status);
    }

    public boolean isApproved() {
        return APPROVED.equals(status);
    }

    public String instructions() {
        return instructions == null || instructions.isBlank() ? null : instructions;
    }
}
