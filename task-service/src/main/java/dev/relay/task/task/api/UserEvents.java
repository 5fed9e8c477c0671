package dev.relay.task.task.api;

import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.api.FieldRules;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.task.task.MultitaskStrategy;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskResponses;
import io.smallrye.mutiny.Uni;

/**
 * Reads the agents API's respond body (one user event) into the answer it asks for. Everything about the event is
 * checked before anything is done, so a bad event changes nothing and uses up no Idempotency-Key.
 */
@ApplicationScoped
public class UserEvents {

    private final TaskResponses responses;
    private final AgentTaskMapper mapper;

    public UserEvents(TaskResponses responses, AgentTaskMapper mapper) {
        this.responses = responses;
        this.mapper = mapper;
    }

    /** The answer to {@code event}, ready to run; 400 naming the field when the event is not valid. */
    Supplier<Uni<Task>> answer(Caller caller, String org, UUID taskId, AgentTaskRequests.UserEvent event) {
        if (event == null || event.type() == null) {
            throw ApiException.invalidRequest("field 'event.type' is required");
        }
        return switch (event.type()) {
            case "user_message" -> {
                String content = mapper.userMessage("event", event);
                MultitaskStrategy strategy = MultitaskStrategy.of("event.multitask_strategy", event.multitaskStrategy());
                yield () -> responses.message(caller, org, taskId, content, mapper.textParts(content), strategy);
            }
            case "user_confirmation" -> {
                UUID approvalId = FieldRules.uuid("event.approval_request_id", event.approvalRequestId());
                if (approvalId == null || event.ok() == null) {
                    throw ApiException.invalidRequest("fields 'event.approval_request_id' and 'event.ok' are required");
                }
                AgentTaskMapper.timestamp("event.timestamp", event.timestamp());
                yield () -> responses.confirm(caller, org, taskId, approvalId, event.ok(), event.instructions());
            }
            case "user_cancel" -> () -> responses.cancel(caller, org, taskId);
            default -> throw ApiException.invalidRequest("field 'event.type' must be one of user_cancel, user_confirmation, "
                    + "user_message, got '" + event.type() + "'");
        };
    }
}
