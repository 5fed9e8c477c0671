package dev.relay.task.task;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskMessageRepository implements PanacheRepositoryBase<TaskMessage, UUID> {

    /** The task's messages in the order their first event was appended. */
    public Uni<List<TaskMessage>> ofTask(UUID taskId) {
        return list("taskId", Sort.by("firstSeq"), taskId);
    }

    /**
     * The messages of run {@code streamId} of task {@code taskId} (its prompt, its replies, the messages sent into it),
     * in order; read through the task's index (the run's own covers only messages sent into it).
     */
    public Uni<List<TaskMessage>> ofRun(UUID taskId, UUID streamId) {
        return list("taskId = ?1 and streamId = ?2", Sort.by("firstSeq"), taskId, streamId);
    }

    /** Whether a message of the conversation (of any task) has the id. */
    public Uni<Boolean> exists(UUID messageId) {
        return count("id", messageId).map(count -> count > 0);
    }

    /** Adds a chunk to the end of a message's content without reading it. */
    public Uni<Integer> append(UUID messageId, String chunk) {
        return update("content = concat(content, ?1) where id = ?2", chunk, messageId);
    }

    /** The run's last assistant message, or null. */
    public Uni<TaskMessage> lastAssistantOf(UUID streamId) {
        return find("streamId = ?1 and role = 'assistant'", Sort.descending("firstSeq"), streamId).firstResult();
    }

    /** The run's messages still being written. */
    public Uni<List<TaskMessage>> unfinishedOf(UUID streamId) {
        return list("streamId = ?1 and complete = false", Sort.by("firstSeq"), streamId);
    }

    /** The messages sent into the run ({@code multitask_strategy} steer) that its agent has not taken in, in order. */
    public Uni<List<TaskMessage>> steersPendingInto(UUID streamId) {
        return list("streamId = ?1 and steerPending = true", Sort.by("firstSeq"), streamId);
    }
}
