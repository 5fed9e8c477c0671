package dev.relay.task.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.task.task.TaskMessage;
import dev.relay.task.agent.Turn;
import dev.relay.task.agent.tools.ToolResult;

/** A task's conversation as the agent is given it: its messages and tool calls in the order of their events. */
final class Transcript {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Transcript() {
    }

    /** Every call must have its result (settle the unsettled ones first). */
    static List<Turn> turns(List<TaskMessage> messages, List<ToolCall> calls) {
        record Ordered(long seq, Turn turn) {
        }
        List<Ordered> ordered = new ArrayList<>();
        for (TaskMessage message : messages) {
            ordered.add(new Ordered(message.firstSeq, "user".equals(message.role)
                    ? new Turn.User(message.content) : new Turn.Assistant(message.content)));
        }
        for (ToolCall call : calls) {
            ordered.add(new Ordered(call.seq, new Turn.ToolCall(call.callId, call.name, arguments(call.arguments),
                    new ToolResult(call.output, call.error))));
        }
        ordered.sort(Comparator.comparingLong(Ordered::seq));
        return ordered.stream().map(Ordered::turn).toList();
    }

    static JsonNode arguments(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException unreadable) {
            return JSON.createObjectNode();
        }
    }
}
