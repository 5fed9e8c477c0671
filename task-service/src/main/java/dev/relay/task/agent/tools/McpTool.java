package dev.relay.task.agent.tools;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.relay.common.egress.EgressRefused;

/**
 * A tool of an MCP server, offered as {@code <server>_<tool>}: described as the server describes it, called on the
 * server. It changes something unless the operator declares it read-only, or marks the server's {@code readOnlyHint}
 * as trusted and the server hints so ({@link McpServers#readOnly}).
 */
final class McpTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String server;
    private final String name;
    private final McpClient client;
    private final ToolSpecification specification;
    private final boolean readOnly;
    private final Duration timeout;
    private final BooleanSupplier allowed;

    McpTool(String server, McpClient client, ToolSpecification specification, boolean readOnly, Duration timeout,
            BooleanSupplier allowed) {
        this.timeout = timeout;
        this.allowed = allowed;
        this.server = server;
        this.name = nameOf(server, specification.name());
        this.client = client;
        this.specification = specification;
        this.readOnly = readOnly;
    }

    /** The name a model sees: letters, digits, '_' and '-' only, at most 64 characters (OpenAI's rule). */
    static String nameOf(String server, String tool) {
        String name = (server + "_" + tool).replaceAll("[^A-Za-z0-9_-]", "_");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** The configured server it belongs to (the id a task's {@code integrations} names). */
    String server() {
        return server;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return specification.description() == null ? "" : specification.description();
    }

    @Override
    public ObjectNode parameters() {
        return JSON.createObjectNode(); // the server's schema is passed on as it is: see specification()
    }

    @Override
    public ToolSpecification specification() {
        return specification.toBuilder().name(name).build();
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.of(timeout);
    }

    @Override
    public boolean mayChange() {
        return !readOnly;
    }

    @Override
    public ToolResult call(JsonNode arguments, Map<String, String> secrets) {
        if (!allowed.getAsBoolean()) {
            return ToolResult.failed(new EgressRefused().getMessage());
        }
        ToolExecutionResult result = client.executeTool(ToolExecutionRequest.builder().id(UUID.randomUUID().toString())
                .name(specification.name()).arguments(arguments.toString()).build());
        String text = result.resultText() == null ? "" : result.resultText();
        return result.isError() ? ToolResult.failed(text) : ToolResult.ok(text);
    }
}
