package dev.relay.task.agent.tools;

import dev.relay.task.task.ApprovalMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressResolver;
import dev.relay.common.egress.EgressRules;
import dev.relay.task.agent.ToolsConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The agent's tools by name, and which a run may use: {@code chat} and read-only tasks get the tools that never
 * change anything (dns_lookup, tls_inspect), {@code agent} and {@code plan} all of them; http_request only when the
 * operator allowed some hosts; the tools of the configured MCP servers join them ({@link McpServers}). The built-in
 * tools connect and resolve only through the egress policy ({@link EgressPolicy}). Calls run on a worker thread,
 * stopped at their deadline; results are cut to size and redacted by the caller's redactor, so no secret reaches an
 * event or the model.
 */
@ApplicationScoped
public class ToolRegistry {

    /** How a call's arguments name a secret of the run. */
    private static final String SECRET_REFERENCE = "{{secrets.";

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final ToolsConfig config;
    private final McpServers mcp;

    /** The built-in tools only, under the default egress policy. */
    public ToolRegistry(ToolsConfig config) {
        this(config, new EgressPolicy(EgressRules.DEFAULT, EgressResolver.SYSTEM));
    }

    /** The built-in tools only. */
    public ToolRegistry(ToolsConfig config, EgressPolicy egress) {
        this(config, null, egress);
    }

    @Inject
    public ToolRegistry(ToolsConfig config, McpServers mcp, EgressPolicy egress) {
        this.config = config;
        this.mcp = mcp;
        int millis = (int) config.timeout().toMillis();
        register(new DnsLookupTool(millis, egress));
        register(new TlsInspectTool(millis, egress));
        List<String> hosts = config.http().allowedHosts().orElse(List.of());
        if (!hosts.isEmpty()) {
            register(new HttpRequestTool(hosts, config.http().maxResponseBytes().asLongValue(), config.timeout(), egress));
        }
    }

    /** The built-in tools, then those the MCP servers offer now. */
    private List<Tool> all() {
        if (mcp == null || mcp.tools().isEmpty()) {
            return List.copyOf(tools.values());
        }
        List<Tool> all = new ArrayList<>(tools.values());
        all.addAll(mcp.tools());
        return all;
    }

    private void register(Tool tool) {
        tools.put(tool.name(), tool);
    }

    /** The tools a run in {@code mode} may call: chat and read-only runs only those that never change anything. */
    public List<Tool> available(String mode, boolean readOnly) {
        return available(mode, readOnly, null);
    }

    /**
     * The tools a run in {@code mode} may call: chat and read-only runs only those that never change anything; of
     * the MCP servers' tools, those of the servers named in {@code integrations} (null: every configured server).
     */
    public List<Tool> available(String mode, boolean readOnly, List<String> integrations) {
        List<Tool> available = new ArrayList<>();
        for (Tool tool : all()) {
            boolean integrated = !(tool instanceof McpTool mcpTool) || integrations == null || integrations.contains(mcpTool.server());
            if (integrated && (!tool.mayChange() || !(readOnly || "chat".equals(mode)))) {
                available.add(tool);
            }
        }
        return available;
    }

    /**
     * Whether this call waits for the user's go-ahead under {@code approvalMode}: {@code manual} asks before every call
     * that changes something or carries a secret ({@code {{secrets.NAME}}}), {@code balanced} before those of the
     * operator's sensitive tools and those that carry a secret, {@code auto} never.
     */
    public boolean needsApproval(Tool tool, JsonNode arguments, ApprovalMode approvalMode) {
        ApprovalMode mode = approvalMode == null ? ApprovalMode.MANUAL : approvalMode;
        if (mode != ApprovalMode.AUTO && arguments.toString().contains(SECRET_REFERENCE)) {
            return true;
        }
        if (!tool.changesSomething(arguments)) {
            return false;
        }
        return switch (approvalMode == null ? ApprovalMode.MANUAL : approvalMode) {
            case AUTO -> false;
            case BALANCED -> config.sensitive().orElse(List.of()).contains(tool.name());
            case MANUAL -> true;
        };
    }

    /**
     * Calls {@code name} with {@code arguments}; an unknown tool, a failure or a timeout is a failed result. The
     * call's deadline ({@code relay.tools.timeout}, an MCP tool's server timeout) stops its work: its thread is
     * interrupted and its connection closed ({@link CallDeadline}), so a peer that trickles its answer holds no thread.
     * The result is bounded and passed through {@code redact} (the run's secrets taken out) before anyone sees it.
     */
    public Uni<ToolResult> call(String name, JsonNode arguments, Map<String, String> secrets, Map<String, List<String>> secretHosts,
            UnaryOperator<String> redact) {
        Tool tool = all().stream().filter(candidate -> candidate.name().equals(name)).findFirst().orElse(null);
        if (tool == null) {
            return Uni.createFrom().item(ToolResult.failed("no tool named " + name));
        }
        Duration timeout = tool.timeout().orElse(config.timeout());
        CallDeadline deadline = new CallDeadline();
        return Uni.createFrom().item(() -> {
                    try {
                        return deadline.run(() -> tool.call(arguments, secrets, secretHosts));
                    } catch (InterruptedException stopped) {
                        return ToolResult.failed(name + " was stopped at its deadline");
                    } catch (Exception e) {
                        return ToolResult.failed(name + " failed: " + e.getClass().getSimpleName());
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout)
                .recoverWithItem(() -> {
                    deadline.expire();
                    return ToolResult.failed(name + " did not finish within " + timeout.toMillis() + " ms and was stopped");
                })
                .map(result -> result.bounded(config.maxResultCharacters(), redact));
    }
}
