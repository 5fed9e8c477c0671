package dev.relay.task.webhooks;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventListener;
import dev.relay.common.event.TaskEventTypes;
import io.smallrye.mutiny.Uni;

/**
 * Queues a message for the organization's webhook when one of its tasks has a lifecycle event the webhook subscribes
 * to ({@link #TYPES}), and for the task's own receiver (its {@code webhook_url}) for every one of them;
 * {@code task.completed} is written by the completion delivery of tasks that ask for it.
 */
@ApplicationScoped
class LifecycleMessages implements TaskEventListener {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LifecycleMessages.class);

    /** The events a webhook may subscribe to besides {@code task.completed}. */
    static final Set<String> TYPES = Set.of(TaskEventTypes.RUN_STARTED, TaskEventTypes.RUN_RESUMED, TaskEventTypes.APPROVAL_REQUESTED,
            TaskEventTypes.RUN_COMPLETED, TaskEventTypes.RUN_FAILED, TaskEventTypes.RUN_ABORTED, TaskEventTypes.RUN_INTERRUPTED, TaskEventTypes.BUDGET_WARNING);

    private final WebhookMessages messages;
    private final ObjectMapper json;

    LifecycleMessages(WebhookMessages messages, ObjectMapper json) {
        this.messages = messages;
        this.json = json;
    }

    @Override
    public Uni<Void> appended(TaskEvent event, String taskReceiver) {
        if (!TYPES.contains(event.type())) {
            return Uni.createFrom().voidItem();
        }
        ObjectNode data = json.createObjectNode().put("task_id", event.taskId().toString()).put("seq", event.seq())
                .put("stream_id", event.streamId() == null ? null : event.streamId().toString());
        data.set("event", event.data());
        // a message that cannot be queued is logged, never a reason to lose the run's event it is about
        return messages.enqueue(event.org(), event.taskId(), event.type(), data, event.createdAt(), taskReceiver).replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "a %s webhook message for task %s could not be queued", event.type(), event.taskId());
                    return Uni.createFrom().voidItem();
                });
    }
}
