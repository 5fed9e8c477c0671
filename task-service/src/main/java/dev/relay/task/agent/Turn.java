package dev.relay.task.agent;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.agent.tools.ToolResult;

/**
 * One turn of a task's conversation as an agent is given it: what the user said, what the assistant answered, and
 * each tool call with its result. A run that resumes (after an answer, or on another instance) starts from these.
 */
public sealed interface Turn {

    record User(String text) implements Turn {
    }

    record Assistant(String text) implements Turn {
    }

    /** A call the model made, with its recorded result. */
    record ToolCall(String callId, String name, JsonNode arguments, ToolResult result) implements Turn {
    }
}
