package dev.relay.task.agent.tools;

import dev.relay.task.task.ApprovalMode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressResolver;
import dev.relay.common.egress.EgressRules;
import dev.relay.task.agent.ToolsConfig;
import io.quarkus.runtime.configuration.MemorySize;

/** Which tools a mode gets, and what a call's result may hold. */
class ToolRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chatAndReadOnlyTasksGetTheToolsThatChangeNothingAndAgentAllOfThem() {
        ToolRegistry registry = new ToolRegistry(config(List.of("api.example.com")));
        assertThat(registry.available("chat", false)).extracting(Tool::name).containsExactly("dns_lookup", "tls_inspect");
        assertThat(registry.available("agent", false)).extracting(Tool::name).containsExactly("dns_lookup", "tls_inspect", "http_request");
        assertThat(registry.available("agent", true)).extracting(Tool::name).as("read-only")
                .containsExactly("dns_lookup", "tls_inspect");
        assertThat(new ToolRegistry(config(List.of())).available("agent", false)).extracting(Tool::name)
                .as("no allowed host: no http_request").containsExactly("dns_lookup", "tls_inspect");
    }

    @Test
    void manualAsksBeforeEveryChangingCallBalancedBeforeSensitiveOnesAutoNever() throws Exception {
        ToolRegistry registry = new ToolRegistry(config(List.of("api.example.com")));
        Tool http = registry.available("agent", false).get(2);
        JsonNode post = JSON.readTree("{\"url\":\"https://api.example.com/x\",\"method\":\"POST\"}");
        JsonNode get = JSON.readTree("{\"url\":\"https://api.example.com/x\"}");
        assertThat(registry.needsApproval(http, post, ApprovalMode.MANUAL)).isTrue();
        assertThat(registry.needsApproval(http, get, ApprovalMode.MANUAL)).as("a GET changes nothing").isFalse();
        assertThat(registry.needsApproval(http, post, ApprovalMode.AUTO)).isFalse();
        assertThat(registry.needsApproval(http, post, ApprovalMode.BALANCED)).as("not marked sensitive").isFalse();
        assertThat(new ToolRegistry(config(List.of("api.example.com"), List.of("http_request"))).needsApproval(http, post, ApprovalMode.BALANCED))
                .isTrue();
    }

    @Test
    void aCallThatCarriesASecretIsAskedAboutInManualAndBalancedModesEvenAGet() throws Exception {
        ToolRegistry registry = new ToolRegistry(config(List.of("api.example.com")));
        Tool http = registry.available("agent", false).get(2);
        JsonNode get = JSON.readTree("{\"url\":\"https://api.example.com/x\",\"headers\":{\"Authorization\":\"Bearer {{secrets.TOKEN}}\"}}");
        assertThat(registry.needsApproval(http, get, ApprovalMode.MANUAL)).isTrue();
        assertThat(registry.needsApproval(http, get, ApprovalMode.BALANCED)).isTrue();
        assertThat(registry.needsApproval(http, get, ApprovalMode.AUTO)).isFalse();
    }

    @Test
    void aCallsResultIsBoundedAndHoldsNoSecret() throws Exception {
        // localhost answers 127.0.0.1 only where the egress policy lets loopback through
        ToolRegistry registry = new ToolRegistry(config(List.of()),
                new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32"), EgressResolver.SYSTEM));
        ToolResult unknown = registry.call("rm_rf", JSON.readTree("{}"), Map.of(), Map.of(), text -> text).await().atMost(Duration.ofSeconds(5));
        assertThat(unknown.error()).isTrue();
        ToolResult found = registry.call("dns_lookup", JSON.readTree("{\"name\":\"localhost\"}"), Map.of("HOST_SECRET", "127.0.0.1"),
                        Map.of(), text -> text.replace("127.0.0.1", "***"))
                .await().atMost(Duration.ofSeconds(5));
        assertThat(found.output()).contains("***").doesNotContain("127.0.0.1");
    }

    @Test
    void aSecretCutByTheResponseLimitLeavesNoFragmentInTheResult() throws Exception {
        String secret = "cut\"me\\-" + java.util.UUID.randomUUID();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        // the response limit (4096 bytes here) falls 12 characters into the echoed secret
        byte[] body = ("x".repeat(4096 - 12) + secret + " and more").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ToolRegistry registry = new ToolRegistry(config(List.of("127.0.0.1"), List.of(), Duration.ofSeconds(5)), loopback());
            ToolResult result = registry.call("http_request", JSON.readTree("{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/\"}"),
                    Map.of(), Map.of(), dev.relay.task.secrets.Redactor.of(List.of(secret))::output).await().atMost(Duration.ofSeconds(10));
            JsonNode answer = JSON.readTree(result.output());
            assertThat(answer.path("body_cut_at_bytes").asInt()).isEqualTo(4096);
            assertThat(answer.path("body").asText()).endsWith("x***").doesNotContain(secret.substring(0, 8));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anMcpServersReadOnlyHintCountsOnlyWhenTheOperatorTrustsIt() {
        dev.langchain4j.agent.tool.ToolSpecification hinted = dev.langchain4j.agent.tool.ToolSpecification.builder().name("wipe")
                .metadata(Map.of(dev.langchain4j.mcp.client.McpToolMetadataKeys.READ_ONLY_HINT, true)).build();
        dev.langchain4j.agent.tool.ToolSpecification plain = dev.langchain4j.agent.tool.ToolSpecification.builder().name("echo").build();
        assertThat(McpServers.readOnly(server(false, List.of()), hinted)).as("a hint alone").isFalse();
        assertThat(McpServers.readOnly(server(true, List.of()), hinted)).as("the operator trusts the hints").isTrue();
        assertThat(McpServers.readOnly(server(false, List.of("echo")), plain)).as("the operator's list").isTrue();
        assertThat(McpServers.readOnly(server(false, List.of("echo")), hinted)).isFalse();
    }

    @Test
    void aTasksIntegrationsDecideWhichMcpServersToolsItGets() {
        McpServers servers = new McpServers(null, null) {
            @Override
            public List<Tool> tools() {
                return List.of(new McpTool("notes", null, dev.langchain4j.agent.tool.ToolSpecification.builder().name("echo").build(),
                        true, Duration.ofSeconds(1), () -> true));
            }
        };
        ToolRegistry registry = new ToolRegistry(config(List.of()), servers, new EgressPolicy(EgressRules.DEFAULT, EgressResolver.SYSTEM));
        assertThat(registry.available("agent", false, null)).extracting(Tool::name).as("absent: every server")
                .containsExactly("dns_lookup", "tls_inspect", "notes_echo");
        assertThat(registry.available("agent", false, List.of())).extracting(Tool::name).containsExactly("dns_lookup", "tls_inspect");
        assertThat(registry.available("agent", false, List.of("notes"))).extracting(Tool::name).contains("notes_echo");
        assertThat(registry.available("agent", false, List.of("github"))).extracting(Tool::name).doesNotContain("notes_echo");
    }

    private static dev.relay.task.agent.McpConfig.Server server(boolean trustHint, List<String> readOnly) {
        return new dev.relay.task.agent.McpConfig.Server() {
            @Override
            public String url() {
                return "http://127.0.0.1:1/mcp";
            }

            @Override
            public Optional<List<String>> readOnlyTools() {
                return Optional.of(readOnly);
            }

            @Override
            public boolean trustReadOnlyHint() {
                return trustHint;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(1);
            }
        };
    }

    private static ToolsConfig config(List<String> hosts) {
        return config(hosts, List.of());
    }

    private static ToolsConfig config(List<String> hosts, List<String> sensitive) {
        return config(hosts, sensitive, Duration.ofSeconds(2));
    }

    static ToolsConfig config(List<String> hosts, List<String> sensitive, Duration timeout) {
        return new ToolsConfig() {
            @Override
            public int maxCallsPerMessage() {
                return 8;
            }

            @Override
            public int maxCallsPerRun() {
                return 40;
            }

            @Override
            public Optional<List<String>> sensitive() {
                return Optional.of(sensitive);
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public int maxResultCharacters() {
                return 10_000;
            }

            @Override
            public Http http() {
                return new Http() {
                    @Override
                    public Optional<List<String>> allowedHosts() {
                        return Optional.of(hosts);
                    }

                    @Override
                    public MemorySize maxResponseBytes() {
                        return new MemorySize(java.math.BigInteger.valueOf(4096));
                    }
                };
            }
        };
    }

    @Test
    void anMcpServerInsideIsNeitherAskedForItsToolsNorCalledUnlessThePolicyAllowsIt() throws Exception {
        try (dev.relay.testsupport.CountingListener listener = new dev.relay.testsupport.CountingListener(java.net.InetAddress.getByName("127.0.0.1"))) {
            String url = "http://127.0.0.1:" + listener.port() + "/mcp";
            McpServers servers = new McpServers(mcpConfig("inside", url), new EgressPolicy(EgressRules.DEFAULT, EgressResolver.SYSTEM));
            servers.refresh();
            assertThat(servers.tools()).isEmpty();
            McpTool tool = new McpTool("inside", null, dev.langchain4j.agent.tool.ToolSpecification.builder().name("echo").build(), false,
                    Duration.ofSeconds(1), () -> McpServers.allowed(new EgressPolicy(EgressRules.DEFAULT, EgressResolver.SYSTEM), url));
            assertThat(tool.call(JSON.readTree("{}"), Map.of()).output()).isEqualTo("destination not allowed by the egress policy");
            assertThat(McpServers.allowed(loopback(), url)).as("once the operator allows it").isTrue();
            Thread.sleep(200);
            assertThat(listener.accepted()).as("connections the server inside accepted").isZero();
        }
    }

    private static dev.relay.task.agent.McpConfig mcpConfig(String name, String url) {
        dev.relay.task.agent.McpConfig.Server server = new dev.relay.task.agent.McpConfig.Server() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Optional<List<String>> readOnlyTools() {
                return Optional.empty();
            }

            @Override
            public boolean trustReadOnlyHint() {
                return false;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(1);
            }
        };
        return new dev.relay.task.agent.McpConfig() {
            @Override
            public Map<String, Server> servers() {
                return Map.of(name, server);
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofMinutes(1);
            }
        };
    }

    /** The default egress policy, but for loopback's 127.0.0.1 on any port (the tests' listeners). */
    static EgressPolicy loopback() {
        return new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32").withPorts("1024-65535"), EgressResolver.SYSTEM);
    }
}
