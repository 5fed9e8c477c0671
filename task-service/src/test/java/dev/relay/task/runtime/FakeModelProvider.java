package dev.relay.task.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An OpenAI-compatible chat-completions endpoint on a free local port, as a test resource: it streams a fixed reply
 * in five chunks with usage at the end; it answers 500 to a prompt containing {@code fail-500}, and 429 to the
 * first two requests of one containing {@code busy-twice}. It keeps every
 * request it got (body and Authorization header) for the tests to look at.
 */
public class FakeModelProvider implements QuarkusTestResourceLifecycleManager {

    /** The API key the service is configured with. */
    public static final String API_KEY = "sk-relay-test-0d9f3c";
    public static final List<String> CHUNKS = List.of("Hel", "lo ", "from ", "the ", "model.");
    public static final int PROMPT_TOKENS = 11;
    public static final int COMPLETION_TOKENS = 5;

    /** A request the fake answered. */
    public record Received(JsonNode body, String authorization) {
    }

    public static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** The Authorization headers the /echo endpoint (the target of http_request) received. */
    public static final List<String> ECHOED = new CopyOnWriteArrayList<>();

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/chat/completions", this::answer);
        server.createContext("/echo", this::echo);
        server.start();
        return Map.of("relay.llm.base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "relay.llm.api-key", API_KEY);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        RECEIVED.add(new Received(body, exchange.getRequestHeaders().getFirst("Authorization")));
        if (body.toString().contains("fail-500")) {
            refuse(exchange, 500, "{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\"}}");
            return;
        }
        if (body.toString().contains("busy-twice") && RECEIVED.stream().filter(r -> r.body().toString().contains("busy-twice")).count() <= 2) {
            refuse(exchange, 429, "{\"error\":{\"message\":\"rate limited\",\"type\":\"rate_limit\"}}");
            return;
        }
        String model = body.path("model").asText();
        boolean toolAnswered = body.path("messages").findValuesAsText("role").contains("tool");
        if (body.toString().contains("use-dns") && (!toolAnswered || body.toString().contains("loop-tools"))) {
            streamToolCall(exchange, model, "dns_lookup", "{\"name\":\"localhost\"}");
            return;
        }
        if (body.toString().contains("use-http") && !toolAnswered) {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";
            streamToolCall(exchange, model, "http_request",
                    "{\"url\":\"" + url + "\",\"headers\":{\"Authorization\":\"Bearer {{secrets.SHODAN_TOKEN}}\"}}");
            return;
        }
        if (toolAnswered) {
            String result = body.path("messages").get(body.path("messages").size() - 1).path("content").asText();
            streamText(exchange, model, body.toString().contains("use-http")
                    ? List.of("Called: ", result.contains("Bearer ***") ? "redacted" : "exposed")
                    : List.of("Resolved: ", result.contains("127.0.0.1") ? "127.0.0.1" : "nothing"));
            return;
        }
        streamText(exchange, model, CHUNKS);
    }

    /** Answers with the Authorization header it got, as a careless API might. */
    private void echo(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        ECHOED.add(String.valueOf(authorization));
        byte[] bytes = ("you sent " + authorization).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A reply that asks for one call of {@code tool} with {@code arguments} (JSON), streamed in two parts. */
    private void streamToolCall(HttpExchange exchange, String model, String tool, String arguments) throws IOException {
        stream(exchange, model, List.of(
                "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_" + RECEIVED.size()
                        + "\",\"type\":\"function\",\"function\":{\"name\":\"" + tool + "\",\"arguments\":\"\"}}]}",
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + JSON.writeValueAsString(arguments) + "}}]}"),
                "tool_calls");
    }

    private void streamText(HttpExchange exchange, String model, List<String> chunks) throws IOException {
        stream(exchange, model, chunks.stream().map(chunk -> "{\"role\":\"assistant\",\"content\":\"" + chunk + "\"}").toList(),
                "stop");
    }

    /** The OpenAI streaming shape: one chunk per delta, the finish reason, the usage, then [DONE]. */
    private static void stream(HttpExchange exchange, String model, List<String> deltas, String finishReason) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        String head = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":";
        try (OutputStream out = exchange.getResponseBody()) {
            for (String delta : deltas) {
                send(out, head + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}");
            }
            send(out, head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finishReason + "\"}]}");
            send(out, head + "[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + COMPLETION_TOKENS
                    + ",\"total_tokens\":" + (PROMPT_TOKENS + COMPLETION_TOKENS) + "}}");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void refuse(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void send(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
