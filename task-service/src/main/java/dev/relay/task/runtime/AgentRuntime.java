package dev.relay.task.runtime;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.domain.Approval;
import dev.relay.task.domain.RunConfig;
import dev.relay.task.runtime.tools.Tool;
import dev.relay.task.runtime.tools.ToolResult;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The port the task service works runs through: what the agent produces for one run (or for the part of a run after
 * an approval), as it produces it. A subscriber that cancels ends the agent's work (and closes a provider's stream).
 */
public interface AgentRuntime {

    /**
     * Text as it comes, then one {@link Output.Finished} with the whole reply; a failure ends the stream. The agent
     * calls tools only through {@code tools}, which records each call and its result on the run.
     */
    Multi<Output> run(String prompt, RunConfig config, Approval answer, Tools tools);

    /** The tools one run may call, and the way it calls them. */
    interface Tools {

        List<Tool> available();

        /** Calls a tool for the run; fails with {@link RunStopped} once the run is no longer active. */
        Uni<ToolResult> call(String callId, String name, JsonNode arguments);
    }

    /** The run ended (cancelled, stopped by its budget) while the agent was working: nothing more is wanted. */
    final class RunStopped extends RuntimeException {
        public RunStopped() {
            super("the run is no longer active", null, false, false);
        }
    }

    /** One piece of an agent's output. */
    sealed interface Output {

        /** More of the assistant's message. */
        record Text(String delta) implements Output {
        }

        /** The reply is complete: its text, the tokens it used and the question it needs confirmed, if any. */
        record Finished(AgentReply reply) implements Output {
        }
    }
}
