package dev.relay.task.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.relay.common.auth.Caller;
import dev.relay.task.domain.RunConfig;
import dev.relay.task.domain.Task;
import dev.relay.task.messaging.OutboxPublisher;
import io.smallrye.mutiny.Uni;

/**
 * What the creator of a task answers to it through the agents API: a new message (a new run), a confirmation
 * of the approval its run waits for, or a graceful cancel. Readers of a shared task who did not create it get 403.
 */
@ApplicationScoped
public class TaskResponses {

    private static final String RESPOND = "respond to";

    private final TaskService tasks;
    private final RunSteps steps;
    private final OutboxPublisher publisher;

    public TaskResponses(TaskService tasks, RunSteps steps, OutboxPublisher publisher) {
        this.tasks = tasks;
        this.steps = steps;
        this.publisher = publisher;
    }

    /**
     * Continues the task with a new run; 409 {@code task_busy} while a run is pending, active or waiting for an
     * approval. The run asks for confirmation when the task's approval mode is {@code manual}.
     */
    public Uni<Task> message(Caller caller, String org, UUID taskId, String content, ArrayNode parts) {
        return tasks.findOwn(caller, org, taskId, RESPOND).chain(task -> {
            RunConfig config = RunConfig.forAgentsApi(task.approvalMode, task.mode, task.model);
            NewTask next = new NewTask(task.id, null, content, parts, parts.arrayNode(), task.visibility, task.projectId,
                    task.completionDelivery, task.isolated, task.secretNames, config, null, null);
            return tasks.start(caller, next);
        }).chain(started -> tasks.find(caller, org, taskId));
    }

    /** Answers the pending approval {@code approvalId}; the run resumes (approved) or winds up (rejected). */
    public Uni<Task> confirm(Caller caller, String org, UUID taskId, UUID approvalId, boolean ok, String instructions) {
        return tasks.findOwn(caller, org, taskId, RESPOND)
                .chain(() -> steps.answer(taskId, approvalId, ok, instructions))
                .call(publisher::publish)
                .chain(() -> tasks.find(caller, org, taskId));
    }
}
