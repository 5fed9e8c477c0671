package dev.relay.task.agent;

import static dev.relay.task.agent.ModelProviderTest.create;
import static dev.relay.task.agent.ModelProviderTest.createAgentTask;
import static dev.relay.task.agent.ModelProviderTest.eventsUntil;
import static dev.relay.task.agent.ModelProviderTest.lastRequestContaining;
import static dev.relay.task.agent.ModelProviderTest.ofAllTypes;
import static dev.relay.task.agent.ModelProviderTest.ofType;
import static dev.relay.task.agent.ModelProviderTest.respond;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.testsupport.McpTestServer;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The tools of an MCP server the operator configured (a real server process, over streamable HTTP) join the
 * agent's: the model is offered them, a call reaches the server and its answer goes back to the model; a tool the
 * server marks read-only is all chat gets, and a tool that changes something waits for approval in manual mode.
 */
@QuarkusTest
@TestProfile(ModelProviderTest.WithAModelProvider.class)
@WithTestResource(RelayTestResources.class)
class McpToolTest {

    @jakarta.inject.Inject
    dev.relay.task.agent.tools.McpServers servers;

    /** The server's tools are read when the service starts, on a worker: wait for that first read. */
    @org.junit.jupiter.api.BeforeEach
    void serverToolsAreKnown() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !servers.tools().isEmpty());
    }

    @Test
    void aToolOfAnMcpServerIsOfferedCalledAndAnswered() throws Exception {
        String taskId = create("{\"task\":\"use-mcp-echo now\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");

        assertThat(lastRequestContaining("use-mcp-echo now").body().path("tools").toString()).contains("notes_echo", "notes_add_note");
        JsonNode call = ofType(events, "tool.call").path("data");
        assertThat(call.path("name").asText()).isEqualTo("notes_echo");
        JsonNode result = ofType(events, "tool.result").path("data");
        assertThat(result.path("error").asBoolean()).isFalse();
        assertThat(result.path("output").asText()).isEqualTo("echo: hello mcp");
        assertThat(ofAllTypes(events, "message.completed").get(0).path("data").path("content").asText()).isEqualTo("Echoed: yes");
    }

    /** The test server's configuration trusts its readOnlyHint (trust-read-only-hint): its echo counts as read-only. */
    @Test
    void chatGetsOnlyTheToolsTheServerMarksReadOnly() throws Exception {
        String taskId = create("{\"task\":\"use-mcp-echo in chat\",\"mode\":\"chat\",\"response_format\":\"json\"}");
        eventsUntil(taskId, "run.completed");
        assertThat(lastRequestContaining("use-mcp-echo in chat").body().path("tools").toString())
                .contains("notes_echo").doesNotContain("notes_add_note");
    }

    @Test
    void aTaskWithNoIntegrationsGetsNoMcpToolAndACallOfOneIsRefused() throws Exception {
        int before = McpTestServer.notes();
        String taskId = createAgentTask("use-mcp-note without integrations", "\"approvalMode\":\"auto\",\"integrations\":[]");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(lastRequestContaining("use-mcp-note without integrations").body().path("tools").toString())
                .contains("dns_lookup").doesNotContain("notes_");
        JsonNode result = ofType(events, "tool.result").path("data");
        assertThat(result.path("error").asBoolean()).isTrue();
        assertThat(result.path("output").asText()).contains("no tool named notes_add_note");
        assertThat(McpTestServer.notes()).as("the server was not called").isEqualTo(before);

        String named = createAgentTask("use-mcp-echo with notes", "\"approvalMode\":\"auto\",\"integrations\":[{\"id\":\"notes\"}]");
        eventsUntil(named, "run.completed");
        assertThat(lastRequestContaining("use-mcp-echo with notes").body().path("tools").toString()).contains("notes_echo");
        String other = createAgentTask("use-mcp-echo with others", "\"approvalMode\":\"auto\",\"integrations\":[{\"id\":\"github\"}]");
        eventsUntil(other, "run.completed");
        assertThat(lastRequestContaining("use-mcp-echo with others").body().path("tools").toString()).doesNotContain("notes_");
    }

    @Test
    void anMcpToolThatChangesSomethingWaitsForApprovalInManualMode() throws Exception {
        int before = McpTestServer.notes();
        String taskId = createAgentTask("use-mcp-note please", "\"approvalMode\":\"manual\"");
        JsonNode request = ofType(eventsUntil(taskId, "approval.requested"), "approval.requested").path("data");
        assertThat(request.path("tool").asText()).isEqualTo("notes_add_note");
        assertThat(McpTestServer.notes()).as("not called before the approval").isEqualTo(before);

        respond(taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + request.path("id").asText() + "\",\"ok\":true}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(ofType(events, "tool.result").path("data").path("output").asText()).startsWith("noted");
        assertThat(ofAllTypes(events, "message.completed").get(0).path("data").path("content").asText()).isEqualTo("Noted: yes");
        assertThat(McpTestServer.notes()).isEqualTo(before + 1);
    }
}
