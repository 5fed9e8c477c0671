package dev.relay.task.task;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.relay.common.auth.Caller;
import io.smallrye.mutiny.Uni;

/**
 * What the creator of a task answers to it through the agents API: a new message (a new run), a confirmation
 * of the approval its run waits for, or a graceful cancel. Readers of a shared task who did not create it get 403.
 */
@ApplicationScoped
public class TaskResponses {

    private static final String RESPOND = "respond to";

    private final TaskQueries queries;
    private final TaskCreation creation;
    private final TaskSettings settings;
    private final ApprovalAnswers answers;

    public TaskResponses(TaskQueries queries, TaskCreation creation, TaskSettings settings, ApprovalAnswers answers) {
        this.queries = queries;
        this.creation = creation;
        this.settings = settings;
        this.answers = answers;
    }

    /**
     * Continues the task with a new run; while a run is pending, active or waiting for an approval, what
     * {@code strategy} says (409 {@code task_busy} for reject). The run asks for confirmation when the task's approval
     * mode is {@code manual}.
     */
    public Uni<Task> message(Caller caller, String org, UUID taskId, String content, ArrayNode parts, MultitaskStrategy strategy) {
        return queries.findOwn(caller, org, taskId, RESPOND).chain(task -> {
            RunConfig config = RunConfig.forAgentsApi(task.approvalMode, task.mode, task.model);
            NewTask next = new NewTask(task.id, null, content, parts, parts.arrayNode(), task.visibility, task.projectId,
                    task.completionDelivery, task.isolated, task.secretNames, config, null, null, null, null, strategy);
            return creation.start(caller, next);
        }).chain(started -> queries.find(caller, org, taskId));
    }

    /** Answers the pending approval {@code approvalId}; the run resumes (approved) or winds up (rejected). */
    public Uni<Task> confirm(Caller caller, String org, UUID taskId, UUID approvalId, boolean ok, String instructions) {
        return queries.findOwn(caller, org, taskId, RESPOND)
                .chain(() -> answers.answer(taskId, approvalId, ok, instructions))
                .chain(() -> queries.find(caller, org, taskId));
    }

    /** Cancels the unfinished run gracefully. */
    public Uni<Task> cancel(Caller caller, String org, UUID taskId) {
        return settings.cancel(caller, org, taskId, false);
    }
}
