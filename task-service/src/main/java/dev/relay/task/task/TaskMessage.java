package dev.relay.task.task;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.descriptor.java.Immutability;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** A user or assistant message, materialized from the task's events as they are appended. */
@Entity
@Table(name = "task_message")
@DynamicUpdate
public class TaskMessage {

    @Id
    public UUID id;
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "stream_id")
    public UUID streamId;
    public String role;
    public String content;
    @Mutability(Immutability.class)
    @Convert(converter = JsonArrayConverter.class)
    public ArrayNode parts;
    /** False while an assistant message is still streaming. */
    public boolean complete;
    /** The seq of the event that created the message. */
    @Column(name = "first_seq")
    public long firstSeq;
    @Column(name = "created_at")
    public Instant createdAt;
    /** A message sent into its working run ({@code multitask_strategy} steer) that the run's agent has not taken in yet. */
    @Column(name = "steer_pending")
    public boolean steerPending;

    /** The assistant's reply in run {@code run}, begun with its first chunk at {@code firstSeq}. */
    public static TaskMessage assistant(TaskRun run, UUID id, String firstChunk, long firstSeq, Instant now) {
        return of(run, id, "assistant", firstChunk, null, false, firstSeq, now);
    }

    /** The user's message that run {@code run} answers, its event the task's next ({@code firstSeq}). */
    public static TaskMessage user(TaskRun run, UUID id, String content, ArrayNode parts, long firstSeq, Instant now) {
        return of(run, id, "user", content, parts, true, firstSeq, now);
    }

    /** The user's message sent into the working run {@code run}: its agent takes it in before its next model call. */
    public static TaskMessage steer(TaskRun run, UUID id, String content, ArrayNode parts, long firstSeq, Instant now) {
        TaskMessage message = user(run, id, content, parts, firstSeq, now);
        message.steerPending = true;
        return message;
    }

    /** The run's agent took the steered message into its conversation. */
    public void takenIn() {
        steerPending = false;
    }

    /** A steered message its run ended without taking in is answered by the follow-up run {@code run} instead. */
    public void answeredBy(TaskRun run) {
        streamId = run.id;
        steerPending = false;
    }

    /** Whether this is a message sent into {@code run} that its agent has not taken in yet. */
    public boolean steersPendingInto(UUID runId) {
        return steerPending && runId.equals(streamId);
    }

    private static TaskMessage of(TaskRun run, UUID id, String role, String content, ArrayNode parts, boolean complete, long firstSeq,
            Instant now) {
        TaskMessage message = new TaskMessage();
        message.id = id;
        message.taskId = run.taskId;
        message.streamId = run.id;
        message.role = role;
        message.content = content;
        message.parts = parts;
        message.complete = complete;
        message.firstSeq = firstSeq;
        message.createdAt = now;
        return message;
    }
}
