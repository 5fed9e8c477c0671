package dev.relay.task.agent.tools;

import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.McpToolMetadataKeys;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRefused;
import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.task.agent.McpConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The tools of the configured MCP servers (streamable HTTP, LangChain4j's MCP client): each server's list is read
 * when the service starts and every {@code relay.mcp.refresh-interval}; a server that cannot be reached offers no
 * tools until a later read succeeds, and the service runs on without it. A server the egress policy refuses (one
 * inside the network the operator did not allow) is not contacted at all, and its tools check it again at each call.
 */
@ApplicationScoped
public class McpServers {

    private static final Logger LOG = Logger.getLogger(McpServers.class);

    private final McpConfig config;
    private final EgressPolicy egress;
    private final Map<String, McpClient> clients = new ConcurrentHashMap<>();
    private volatile List<Tool> tools = List.of();

    public McpServers(McpConfig config, EgressPolicy egress) {
        this.config = config;
        this.egress = egress;
    }

    /**
     * The first read, as the service starts, on a worker (a server that hangs delays nothing): the periodic pass skips
     * its executions until the start has finished.
     */
    void readAtStart(@Observes StartupEvent start) {
        if (!config.servers().isEmpty()) {
            Infrastructure.getDefaultWorkerPool().execute(this::refresh);
        }
    }

    /** The tools the servers offered at their last read. */
    public List<Tool> tools() {
        return tools;
    }

    @Scheduled(every = "{relay.mcp.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    synchronized void refresh() {
        if (config.servers().isEmpty()) {
            return;
        }
        List<Tool> found = new ArrayList<>();
        config.servers().forEach((server, settings) -> {
            try {
                if (!allowed(egress, settings.url())) {
                    LOG.warnf("MCP server %s (%s) offers no tools: the egress policy refuses it (allow its host with "
                            + "relay.egress.allow-hosts and its port with relay.egress.allowed-ports)", server, settings.url());
                    close(clients.remove(server));
                    return;
                }
                McpClient client = clients.computeIfAbsent(server, name -> connect(name, settings));
                for (ToolSpecification specification : client.listTools()) {
                    found.add(new McpTool(server, client, specification, readOnly(settings, specification), settings.timeout(),
                            () -> allowed(egress, settings.url())));
                }
            } catch (RuntimeException unreachable) {
                LOG.warnf("MCP server %s (%s) offers no tools for now: %s", server, settings.url(), unreachable.getMessage());
                McpClient broken = clients.remove(server);
                close(broken);
            }
        });
        tools = List.copyOf(found);
    }

    /**
     * Whether a tool of the server changes nothing, as the operator says: one it lists in {@code read-only-tools};
     * the server's own {@code readOnlyHint} (text an untrusted server writes) only when the operator opted into it
     * ({@code trust-read-only-hint}).
     */
    static boolean readOnly(McpConfig.Server settings, ToolSpecification specification) {
        if (settings.readOnlyTools().orElse(List.of()).contains(specification.name())) {
            return true;
        }
        Object hint = specification.metadata() == null ? null : specification.metadata().get(McpToolMetadataKeys.READ_ONLY_HINT);
        return settings.trustReadOnlyHint() && "true".equals(String.valueOf(hint));
    }

    /**
     * Whether the policy lets {@code url} through now. LangChain4j's transport then looks the name up itself: the
     * server's DNS is the operator's, so unlike a tool's destination the address is not pinned.
     */
    static boolean allowed(EgressPolicy egress, String url) {
        try {
            egress.check(URI.create(url));
            return true;
        } catch (EgressRefused | UnknownHostException | IllegalArgumentException refused) {
            return false;
        }
    }

    private static McpClient connect(String server, McpConfig.Server settings) {
        return DefaultMcpClient.builder().key(server).clientName("relay").clientVersion("1")
                .transport(StreamableHttpMcpTransport.builder().url(settings.url()).timeout(settings.timeout()).build())
                .toolExecutionTimeout(settings.timeout())
                .cacheToolList(false)
                .build();
    }

    @PreDestroy
    void closeAll() {
        clients.values().forEach(McpServers::close);
    }

    private static void close(McpClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing a connection that is gone
            }
        }
    }
}
