package dev.relay.task.task.api;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.task.budgets.BudgetWarning;

/** The Neo v1 {@code CreateTaskAcceptedResponse}; {@code warnings} only when a budget limit is nearly used. */
@Schema(name = "CreateTaskAcceptedResponse")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CreateTaskAccepted(@JsonProperty("task_id") UUID taskId, String status, List<Warning> warnings) {

    /** The seeds' {@code TaskWarning}. */
    @Schema(name = "TaskWarning")
    public record Warning(@Schema(enumeration = { "spending_cap_approaching", "project_spending_cap_approaching" }) String code,
            String message) {
    }

    public static CreateTaskAccepted of(UUID taskId, List<BudgetWarning> warnings) {
        return new CreateTaskAccepted(taskId, "accepted",
                warnings.stream().map(warning -> new Warning(warning.code(), warning.message())).toList());
    }
}
