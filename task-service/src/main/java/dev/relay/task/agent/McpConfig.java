package dev.relay.task.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** MCP servers whose tools join the agent's ({@code relay.mcp.servers."<name>".url=…}). */
@ConfigMapping(prefix = "relay.mcp")
public interface McpConfig {

    /** The servers by name; a server's tools are offered as {@code <name>_<tool>}. */
    Map<String, Server> servers();

    /** How often each server's tool list is read again (and a server that was down is tried again). */
    @WithDefault("1m")
    Duration refreshInterval();

    interface Server {

        /**
         * The server's streamable HTTP endpoint. Tasks' tool calls reach it, so it goes through the egress policy like
         * every tool: a server inside the network is used only once the operator allows its host
         * ({@code relay.egress.allow-hosts}) and port (docs/security.md, "The egress boundary").
         */
        String url();

        /**
         * Tools of this server the operator declares read-only: chat, plans and read-only tasks get them, and
         * approvals do not ask about them. Every other tool of the server counts as changing something.
         */
        Optional<List<String>> readOnlyTools();

        /**
         * Whether the server's own {@code readOnlyHint} marks a tool read-only too (off: the server's hints are text
         * it writes, not the operator's decision).
         */
        @WithDefault("false")
        boolean trustReadOnlyHint();

        /** How long one request to the server may take. */
        @WithDefault("30s")
        Duration timeout();
    }
}
