package dev.relay.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A small MCP server of our own, run as a separate process: the streamable HTTP transport at {@code /mcp} (JSON-RPC
 * over POST, single JSON responses, a session id) with two tools, {@code echo} (marked read-only) and
 * {@code add_note} (changes the notebook); {@code GET /notes} answers how many notes it holds. As a Quarkus test
 * resource it starts the process and configures the task service's MCP server {@code notes}.
 */
public class McpTestServer implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NOTES = new CopyOnWriteArrayList<>();

    private Process process;
    private static volatile URI notes;

    /** How many notes the running server holds. */
    public static int notes() {
        try {
            return Integer.parseInt(new String(notes.toURL().openStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("the MCP test server did not answer", e);
        }
    }

    @Override
    public Map<String, String> start() {
        int port = FreePorts.next();
        Path log = RelayPaths.root().resolve("infra/test-support/target/mcp-test-server.log");
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), McpTestServer.class.getName(), Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the MCP test server", e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    throw new IllegalStateException("the MCP test server did not start; see " + log);
                }
                sleep();
            }
        }
        notes = URI.create("http://127.0.0.1:" + port + "/notes");
        // the operator trusts this server's readOnlyHint (its echo tool is then read-only)
        return Map.of("relay.mcp.servers.notes.url", "http://127.0.0.1:" + port + "/mcp",
                "relay.mcp.servers.notes.trust-read-only-hint", "true");
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server process: {@code McpTestServer PORT}. */
    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
        server.createContext("/mcp", McpTestServer::mcp);
        server.createContext("/notes", exchange -> reply(exchange, 200, "text/plain", Integer.toString(NOTES.size()), null));
        server.start();
        System.out.println("MCP test server on port " + args[0]);
    }

    private static void mcp(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            reply(exchange, "DELETE".equals(exchange.getRequestMethod()) ? 200 : 405, "text/plain", "", null);
            return;
        }
        JsonNode message = JSON.readTree(exchange.getRequestBody());
        System.out.println("<- " + message);
        if (!message.has("id")) {
            reply(exchange, 202, "text/plain", "", null); // a notification
            return;
        }
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", message.get("id"));
        String session = null;
        switch (message.path("method").asText()) {
            case "initialize" -> {
                session = UUID.randomUUID().toString();
                ObjectNode result = response.putObject("result")
                        .put("protocolVersion", message.path("params").path("protocolVersion").asText("2025-03-26"));
                result.putObject("capabilities").putObject("tools").put("listChanged", false);
                result.putObject("serverInfo").put("name", "relay-test-notes").put("version", "1");
            }
            case "ping" -> response.putObject("result");
            case "tools/list" -> response.putObject("result").set("tools", JSON.readTree("""
                    [{"name": "echo", "description": "Echoes a message back.",
                      "inputSchema": {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]},
                      "annotations": {"readOnlyHint": true}},
                     {"name": "add_note", "description": "Adds a note to the team's notebook.",
                      "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
                      "annotations": {"readOnlyHint": false, "destructiveHint": false}}]"""));
            case "tools/call" -> {
                JsonNode params = message.path("params");
                String text;
                boolean error = false;
                switch (params.path("name").asText()) {
                    case "echo" -> text = "echo: " + params.path("arguments").path("message").asText();
                    case "add_note" -> {
                        NOTES.add(params.path("arguments").path("text").asText());
                        text = "noted (" + NOTES.size() + " notes)";
                    }
                    default -> {
                        text = "no tool " + params.path("name").asText();
                        error = true;
                    }
                }
                ObjectNode result = response.putObject("result").put("isError", error);
                result.putArray("content").addObject().put("type", "text").put("text", text);
            }
            default -> response.putObject("error").put("code", -32601).put("message", "method not found");
        }
        reply(exchange, 200, "application/json", response.toString(), session);
    }

    private static void reply(HttpExchange exchange, int status, String type, String body, String session) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        if (session != null) {
            exchange.getResponseHeaders().add("Mcp-Session-Id", session);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }
}
