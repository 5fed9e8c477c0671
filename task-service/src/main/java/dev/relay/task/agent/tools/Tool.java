package dev.relay.task.agent.tools;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * A tool the agent may call: its name, what it does and the JSON Schema of its arguments (as the model sees them),
 * whether a call changes something outside Relay (which approval and permission modes look at), and the call.
 */
public interface Tool {

    String name();

    String description();

    /** JSON Schema of the arguments object. */
    ObjectNode parameters();

    /** The tool as a model is told of it: its name, description and arguments' schema. */
    default ToolSpecification specification() {
        return ToolSpecifications.of(this);
    }

    /** Whether this call changes something outside (a POST, say); by default, whether any call of the tool may. */
    default boolean changesSomething(JsonNode arguments) {
        return mayChange();
    }

    /** How long one call may take, when the tool has its own limit (else {@code relay.tools.timeout}). */
    default Optional<Duration> timeout() {
        return Optional.empty();
    }

    /**
     * Whether some call of this tool may change something outside Relay (approval and permission modes look at this):
     * read-only runs, chat and plans are not given such tools.
     */
    default boolean mayChange() {
        return true;
    }

    /**
     * Runs the call (blocking: the registry runs it on a worker thread, bounded in time) with the run's resolved
     * secrets; a bad argument or an unreachable target is a {@link ToolResult#failed} result, not an exception.
     */
    ToolResult call(JsonNode arguments, Map<String, String> secrets) throws Exception;

    /**
     * Runs the call with the run's secrets and the hosts each may be sent to ({@code secretHosts}): a tool that sends
     * secrets somewhere checks the destination against them; the others ignore them.
     */
    default ToolResult call(JsonNode arguments, Map<String, String> secrets, Map<String, List<String>> secretHosts) throws Exception {
        return call(arguments, secrets);
    }
}
