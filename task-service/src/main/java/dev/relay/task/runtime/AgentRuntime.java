package dev.relay.task.runtime;

import dev.relay.task.domain.Approval;
import dev.relay.task.domain.RunConfig;
import io.smallrye.mutiny.Multi;

/**
 * The port the task service works runs through: what the agent produces for one run (or for the part of a run after
 * an approval), as it produces it. A subscriber that cancels ends the agent's work (and closes a provider's stream).
 */
public interface AgentRuntime {

    /** Text as it comes, then one {@link Output.Finished} with the whole reply; a failure ends the stream. */
    Multi<Output> run(String prompt, RunConfig config, Approval answer);

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
