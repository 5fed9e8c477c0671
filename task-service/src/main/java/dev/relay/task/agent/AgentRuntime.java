package dev.relay.task.agent;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.task.RunConfig;
import dev.relay.task.agent.tools.Tool;
import dev.relay.task.agent.tools.ToolResult;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The port the task service works runs through: what the agent produces for one run (or for the part of a run after
 * an answer or a restart), as it produces it. A subscriber that cancels ends the agent's work (and closes a
 * provider's stream).
 */
public interface AgentRuntime {

    /**
     * Text as it comes, the usage of each model call, then one {@link Output.Finished}; a failure ends the stream.
     * {@code conversation} is the task's conversation so far, ending with what this run is to answer (every tool call
     * in it has its result); {@code answer} is the user's answer to a confirmation the agent asked for without a
     * call ({@link Output.Question#callId()} null), else null. The agent calls tools only through {@code tools},
     * which records each call and its result on the run.
     */
    Multi<Output> run(List<Turn> conversation, RunConfig config, Answer answer, Tools tools);

    /** The tools one run may call, and the way it calls them. */
    interface Tools {

        /** The tools the run may use at all: those its mode, permissions and integrations allow. */
        List<Tool> available();

        /**
         * The tools offered to the model for its next call ({@code onlyReading}: those that change nothing, as while
         * a plan is made). Until the next offer a call of any other tool is refused (a plain failed result), whatever
         * the model asks.
         */
        List<Tool> offer(boolean onlyReading);

        /**
         * Registers how to stop the agent's current work at once (its run was cancelled on this instance); the last
         * one registered is used.
         */
        void onStop(Runnable stop);

        /**
         * Reserves the run's budget for its next model call, whose prompt counts at most {@code promptTokens}, and
         * answers how many output tokens the call may produce, at most {@code maxOutput}. Fails with
         * {@link RunStopped} when not one output token fits (the run was ended as failed, with the limit's reason) or
         * the run is no longer active.
         */
        Uni<Long> outputAllowance(long promptTokens, long maxOutput);

        /**
         * The messages the user sent into the run since the agent last asked ({@code multitask_strategy} steer), in
         * order; the agent adds them to its conversation before its next model call (a run that ends without asking
         * again answers them with a follow-up run). Fails with {@link RunStopped} once the run is no longer active.
         */
        Uni<List<String>> steered();

        /**
         * Calls a tool for the run; fails with {@link RunStopped} once the run is no longer active, or when the call
         * waits for the user's approval (the run is suspended, and resumes from the recorded call when answered).
         */
        Uni<ToolResult> call(String callId, String name, JsonNode arguments);
    }

    /** The run ended or was suspended while the agent was working: nothing more is wanted now. */
    final class RunStopped extends RuntimeException {
        public RunStopped() {
            super("the run is no longer active", null, false, false);
        }
    }

    /** What the agent asks the user: its text and, when the model asked it with a tool call, that call's id. */
    record Question(String text, String callId) {
    }

    /** One piece of an agent's output. */
    sealed interface Output {

        /** More of the assistant's message. */
        record Text(String delta) implements Output {
        }

        /** What one model call used, as the provider counted it (or as the agent estimated it). */
        /** One model call's usage; {@code servedBy}: the provider and model that answered (null: the simulated agent). */
        record Usage(String model, int inputTokens, int outputTokens, String servedBy) implements Output {
        }

        /** The agent is done with this run ({@code question} null) or waits for the answer to {@code question}. */
        record Finished(Question question) implements Output {

            public static Finished done() {
                return new Finished(null);
            }
        }
    }
}
