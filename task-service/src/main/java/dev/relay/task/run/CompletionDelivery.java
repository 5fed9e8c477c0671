package dev.relay.task.run;

import dev.relay.task.webhooks.WebhookMessages;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.task.task.Task;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskMessageRepository;
import io.smallrye.mutiny.Uni;

/**
 * Hands off a completed run as the task's {@code completion_delivery} asks: {@code artifact} keeps the completion
 * artifact (final message, tool outputs, usage) for {@code GET /api/v1/tasks/{id}/artifacts}; {@code webhook} keeps
 * it too and writes a message for the organization's webhook, sent after the commit by the webhooks feature.
 * Runs in the completing transaction, so a completed run has its artifact and message exactly once.
 */
@ApplicationScoped
class CompletionDelivery {

    public static final String ARTIFACT = "artifact";
    public static final String WEBHOOK = "webhook";
    static final String COMPLETED_EVENT = "task.completed";

    private final TaskMessageRepository messages;
    private final ToolCallRepository toolCalls;
    private final ArtifactRepository artifacts;
    private final WebhookMessages webhookMessages;
    private final ObjectMapper json;

    CompletionDelivery(TaskMessageRepository messages, ToolCallRepository toolCalls, ArtifactRepository artifacts,
            WebhookMessages webhookMessages, ObjectMapper json) {
        this.messages = messages;
        this.toolCalls = toolCalls;
        this.artifacts = artifacts;
        this.webhookMessages = webhookMessages;
        this.json = json;
    }

    public Uni<Void> completed(Task task, TaskRun run) {
        String how = task.completionDelivery;
        if (!ARTIFACT.equals(how) && !WEBHOOK.equals(how)) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        Artifact artifact = new Artifact();
        artifact.id = UUID.randomUUID();
        artifact.taskId = task.id;
        artifact.streamId = run.id;
        artifact.kind = Artifact.COMPLETION;
        artifact.createdAt = now;
        return messages.lastAssistantOf(run.id).chain(message -> toolCalls.ofRun(run.id).chain(calls -> {
            ObjectNode content = json.createObjectNode().put("artifact_id", artifact.id.toString())
                    .put("task_id", task.id.toString()).put("stream_id", run.id.toString()).put("status", "completed")
                    .put("message", message == null ? null : message.content);
            ArrayNode outputs = content.putArray("tool_outputs");
            calls.stream().filter(call -> call.hasResult()).forEach(call -> outputs.addObject().put("call_id", call.callId)
                    .put("name", call.name).put("output", call.output).put("error", call.error));
            content.putObject("usage").put("model", run.runConfig.model()).put("input_tokens", run.inputTokens)
                    .put("output_tokens", run.outputTokens).put("total_tokens", run.inputTokens + run.outputTokens);
            content.put("completed_at", now.toString());
            artifact.content = content.toString();
            return artifacts.persist(artifact).chain(() -> WEBHOOK.equals(how)
                    ? webhookMessages.enqueue(task.org, task.id, COMPLETED_EVENT, content, now, task.webhookUrl).replaceWithVoid()
                    : Uni.createFrom().voidItem());
        }));
    }
}
