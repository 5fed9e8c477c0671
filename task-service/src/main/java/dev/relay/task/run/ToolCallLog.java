package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.agent.tools.ToolResult;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;

/** Records the calls a run's model makes ({@code tool.call}) and their results ({@code tool.result}). */
@ApplicationScoped
class ToolCallLog {

    private final ActiveRuns activeRuns;
    private final ToolCallRepository toolCalls;
    private final TaskEventLog eventLog;

    ToolCallLog(ActiveRuns activeRuns, ToolCallRepository toolCalls, TaskEventLog eventLog) {
        this.activeRuns = activeRuns;
        this.toolCalls = toolCalls;
        this.eventLog = eventLog;
    }

    /** Records a call the model made while the run is active; answers the call's row, or null when the run is not. */
    Uni<ToolCall> recordCall(TaskRun claimed, String callId, String name, JsonNode arguments) {
        return activeRuns.whileActive(claimed, (task, run) -> {
            return eventLog.append(task, run.id, new TaskEventData.ToolCalled(callId, name, arguments))
                    .chain(() -> toolCalls.persist(ToolCall.recorded(run, callId, task.lastSeq, name, arguments.toString(), Instant.now())));
        });
    }

    /** Records the result of a recorded call while the run is active; answers whether it was. */
    Uni<Boolean> recordResult(TaskRun claimed, ToolCall call, ToolResult result, long durationMillis) {
        return activeRuns.applied(claimed, (task, run) -> toolCalls.findById(call.id).chain(row -> {
            row.finish(result.output(), result.error(), Instant.now());
            call.finish(result.output(), result.error(), row.finishedAt);
            return eventLog.append(task, run.id,
                    new TaskEventData.ToolResulted(call.callId, call.name, result.output(), result.error(), durationMillis));
        }));
    }
}
