package dev.relay.task.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.task.task.Task;
import dev.relay.task.task.TaskRun;
import dev.relay.task.webhooks.WebhookDelivery;
import dev.relay.task.task.TaskMessageRepository;
import dev.relay.task.webhooks.WebhookDeliveryRepository;
import dev.relay.task.webhooks.WebhookRepository;
import io.smallrye.mutiny.Uni;

/**
 * Hands off a completed run as the task's {@code completion_delivery} asks: {@code artifact} keeps the completion
 * artifact (final message, tool outputs, usage) for {@code GET /api/v1/tasks/{id}/artifacts}; {@code webhook} keeps
 * it too and writes a message for the organization's webhook, sent after the commit by {@link WebhookDispatcher}.
 * Runs in the completing transaction, so a completed run has its artifact and message exactly once.
 */
@ApplicationScoped
class CompletionDelivery {

    public static final String ARTIFACT = "artifact";
    public static final String WEBHOOK = "webhook";
    static final String COMPLETED_EVENT = "task.completed";

    private static final Logger LOG = Logger.getLogger(CompletionDelivery.class);

    private final TaskMessageRepository messages;
    private final ToolCallRepository toolCalls;
    private final ArtifactRepository artifacts;
    private final WebhookRepository webhooks;
    private final WebhookDeliveryRepository deliveries;
    private final ObjectMapper json;

    CompletionDelivery(TaskMessageRepository messages, ToolCallRepository toolCalls, ArtifactRepository artifacts,
            WebhookRepository webhooks, WebhookDeliveryRepository deliveries, ObjectMapper json) {
        this.messages = messages;
        this.toolCalls = toolCalls;
        this.artifacts = artifacts;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
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
            return artifacts.persist(artifact).chain(() -> WEBHOOK.equals(how) ? enqueue(task, content, now) : Uni.createFrom().voidItem());
        }));
    }

    private Uni<Void> enqueue(Task task, ObjectNode content, Instant now) {
        return webhooks.findById(task.org).chain(webhook -> {
            if (webhook == null) {
                LOG.infof("task %s asks for webhook delivery, but organization %s has no webhook: its artifact is kept", task.id, task.org);
                return Uni.createFrom().voidItem();
            }
            ObjectNode payload = json.createObjectNode().put("type", COMPLETED_EVENT).put("timestamp", now.toString());
            payload.set("data", content);
            return deliveries.persist(WebhookDelivery.of(task.org, task.id, COMPLETED_EVENT, webhook.url, payload.toString(), now))
                    .replaceWithVoid();
        });
    }
}
