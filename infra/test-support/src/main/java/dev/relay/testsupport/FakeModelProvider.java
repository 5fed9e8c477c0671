package dev.relay.testsupport;

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
 * first two requests of one containing {@code busy-twice} (and to every one containing {@code busy-unless-backup} for a
 * model but {@code fake-backup}); markers in the prompt ask for tool calls
 * ({@code use-dns}, {@code use-http}, {@code use-post}, {@code plan-post}: a POST while planning, {@code many-calls}: five lookups in one message, {@code leak-split}: echoes {@link #LEAKED}, {@code use-mcp-echo}, {@code use-mcp-note}, {@code ask-first}, {@code slow-call}: a GET answered slowly, {@code resume-me}: a lookup whose first
 * answer is slow), a plan ({@code plan-it}), a slow stream
 * ({@code slow-stream}), an answer after {@link #HOLD_MILLIS} ({@code hold-a-moment}), a lookup after half of it, every time ({@code slow-loop}), one that stalls ({@code stall-stream}) or a malformed chunk ({@code malformed}); {@code long-answer} streams {@link #LONG_ANSWER_TOKENS} one-token deltas, at
 * most the request's {@code max_tokens}. It keeps every
 * request it got (body and Authorization header) for the tests to look at.
 */
public class FakeModelProvider implements QuarkusTestResourceLifecycleManager {

    /** The API key the service is configured with. */
    public static final String API_KEY = "sk-relay-test-0d9f3c";
    public static final List<String> CHUNKS = List.of("Hel", "lo ", "from ", "the ", "model.");
    /** What a model asked with {@code leak-split} echoes (split across two deltas, base64 in a call's body): a test stores it as a secret. */
    public static final String LEAKED = "leaked-7c41-d2e9-a0b3-55f1";
    public static final int PROMPT_TOKENS = 11;
    public static final int COMPLETION_TOKENS = 5;
    /** The output tokens a {@code long-answer} prompt gets, fewer when the request's {@code max_tokens} is lower. */
    public static final int LONG_ANSWER_TOKENS = 200;
    /** How long a prompt containing {@code hold-a-moment} waits before its answer streams. */
    public static final int HOLD_MILLIS = 1500;

    /** A request the fake answered. */
    public record Received(JsonNode body, String authorization) {
    }

    public static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** The Authorization headers the /echo endpoint (the target of http_request) received. */
    public static final List<String> ECHOED = new CopyOnWriteArrayList<>();
    /** The methods of the requests /echo received. */
    public static final List<String> ECHO_METHODS = new CopyOnWriteArrayList<>();
    /** The requests {@code slow-call}'s tool call made (each answered after twice {@link #HOLD_MILLIS}). */
    public static final List<String> SLOW_CALLS = new CopyOnWriteArrayList<>();
    /** The prompts (markers) whose stream the client closed before the fake was done writing it. */
    public static final List<String> CLOSED_BY_CLIENT = new CopyOnWriteArrayList<>();
    /**
     * The tool calls a {@code probe-inside} task's model makes, one per model call in this order ({tool, arguments as
     * JSON}), then "Probed."; a test sets them (the egress probe).
     */
    public static final List<String[]> PROBES = new CopyOnWriteArrayList<>();

    /** Numbers the tool calls the fake asks for (their ids). */
    private static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();
    /** Whether it keeps what it received: not when it runs on its own (a benchmark's thousands of requests). */
    private static volatile boolean keepRequests = true;
    private static final java.util.concurrent.atomic.AtomicInteger RESUME_ANSWERS = new java.util.concurrent.atomic.AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        return start(0);
    }

    /**
     * Runs the fake on its own, to try the dev stack's model path without a model: {@code FakeModelProvider PORT},
     * then {@code RELAY_LLM_BASE_URL=http://127.0.0.1:PORT/v1 infra/dev/start.sh}.
     */
    public static void main(String[] args) {
        keepRequests = false;
        System.out.println(new FakeModelProvider().start(Integer.parseInt(args[0])).get("relay.llm.base-url"));
    }

    private Map<String, String> start(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/chat/completions", this::answer);
        server.createContext("/echo", this::echo);
        // the default runs one exchange at a time: a slow stream would hold up every other test's request
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
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
        if (keepRequests) {
            RECEIVED.add(new Received(body, exchange.getRequestHeaders().getFirst("Authorization")));
        }
        if (body.toString().contains("fail-500")) {
            refuse(exchange, 500, "{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\"}}");
            return;
        }
        if (body.toString().contains("busy-twice") && RECEIVED.stream().filter(r -> r.body().toString().contains("busy-twice")).count() <= 2) {
            refuse(exchange, 429, "{\"error\":{\"message\":\"rate limited\",\"type\":\"rate_limit\"}}");
            return;
        }
        String model = body.path("model").asText();
        if (body.toString().contains("busy-unless-backup") && !"fake-backup".equals(model)) {
            refuse(exchange, 429, "{\"error\":{\"message\":\"overloaded\",\"type\":\"rate_limit\"}}");
            return;
        }
        if (body.toString().contains("long-answer")) {
            // one token per delta, as many as the request's max_tokens allow
            int limit = body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt(LONG_ANSWER_TOKENS));
            int tokens = Math.min(LONG_ANSWER_TOKENS, limit);
            List<String> deltas = new java.util.ArrayList<>();
            for (int i = 0; i < tokens; i++) {
                deltas.add("{\"content\":\"w \"}");
            }
            stream(exchange, model, deltas, tokens < LONG_ANSWER_TOKENS ? "length" : "stop", tokens);
            return;
        }
        boolean toolAnswered = body.path("messages").findValuesAsText("role").contains("tool");
        String lastMessage = body.path("messages").get(body.path("messages").size() - 1).path("content").asText();
        if (body.toString().contains("slow-loop")) {
            hold(HOLD_MILLIS / 2);
            streamToolCall(exchange, model, "dns_lookup", "{\"name\":\"localhost\"}");
            return;
        }
        if (body.toString().contains("hold-a-moment")) {
            hold(HOLD_MILLIS);
            streamText(exchange, model, CHUNKS);
            return;
        }
        if (body.toString().contains("slow-stream")) {
            slowStream(exchange, model, "slow-stream");
            return;
        }
        if (body.toString().contains("stall-stream")) {
            stall(exchange, model);
            return;
        }
        if (body.toString().contains("malformed")) {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\n\n".getBytes(StandardCharsets.UTF_8));
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        if (body.toString().contains("use-mcp-echo")) {
            if (toolAnswered) {
                streamText(exchange, model, List.of("Echoed: ", lastMessage.contains("echo: hello mcp") ? "yes" : "no"));
            } else {
                streamToolCall(exchange, model, "notes_echo", "{\"message\":\"hello mcp\"}");
            }
            return;
        }
        if (body.toString().contains("use-mcp-note")) {
            if (toolAnswered) {
                streamText(exchange, model, List.of("Noted: ", lastMessage.startsWith("noted") ? "yes" : "no"));
            } else {
                streamToolCall(exchange, model, "notes_add_note", "{\"text\":\"remember the milk\"}");
            }
            return;
        }
        if (body.toString().contains("resume-me")) {
            if (!toolAnswered) {
                streamToolCall(exchange, model, "dns_lookup", "{\"name\":\"localhost\"}");
            } else if (RESUME_ANSWERS.getAndIncrement() == 0) {
                slowStream(exchange, model, "resume-me"); // the first answer is slow: the test kills the service meanwhile
            } else {
                // the resumed conversation holds the lookup's result (and, after it, the answer the kill cut short)
                boolean lookedUp = false;
                for (JsonNode message : body.path("messages")) {
                    lookedUp |= "tool".equals(message.path("role").asText()) && message.path("content").asText().contains("127.0.0.1");
                }
                streamText(exchange, model, List.of("Resumed: ", lookedUp ? "127.0.0.1" : "nothing"));
            }
            return;
        }
        if (body.toString().contains("ask-first")) {
            if (toolAnswered) {
                streamText(exchange, model, List.of("Checking port ", lastMessage.contains("8443") ? "8443." : "nothing."));
            } else {
                streamText(exchange, model, List.of("I need to know one thing."), "ask_question",
                        "{\"question\":\"Which port should I check?\"}");
            }
            return;
        }
        if (body.toString().contains("many-calls") && !toolAnswered) {
            streamToolCalls(exchange, model, "dns_lookup", "{\"name\":\"localhost\"}", 5);
            return;
        }
        if (body.toString().contains("leak-split") && !toolAnswered) {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";
            String encoded = java.util.Base64.getEncoder().encodeToString(("me:" + LEAKED).getBytes(StandardCharsets.UTF_8));
            streamText(exchange, model, List.of("The key is ", LEAKED.substring(0, 12), LEAKED.substring(12) + ", I think."), "http_request",
                    "{\"url\":\"" + url + "?k=" + LEAKED + "\",\"method\":\"POST\",\"body\":\"Basic " + encoded + "\"}");
            return;
        }
        if (body.toString().contains("plan-post")) {
            // asked while planning: a POST the plan phase does not offer
            if (toolAnswered) {
                streamText(exchange, model, List.of("1. Post ", lastMessage.contains("you sent") ? "posted." : "it later."));
            } else {
                String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";
                streamToolCall(exchange, model, "http_request", "{\"url\":\"" + url + "\",\"method\":\"POST\",\"body\":\"hi\"}");
            }
            return;
        }
        if (body.toString().contains("use-post")) {
            if (toolAnswered) {
                streamText(exchange, model, List.of("Posted: ", lastMessage.contains("you sent") ? "done" : "not done"));
            } else {
                String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";
                streamToolCall(exchange, model, "http_request", "{\"url\":\"" + url + "\",\"method\":\"POST\",\"body\":\"hi\"}");
            }
            return;
        }
        if (body.toString().contains("plan-it")) {
            streamText(exchange, model, lastMessage.contains("Verify your work") ? List.of("Verified.")
                    : lastMessage.contains("The plan is approved") ? List.of("Done ", "as planned.") : List.of("1. Look ", "it up."));
            return;
        }
        if (body.toString().contains("probe-inside")) {
            int answered = (int) body.path("messages").findValuesAsText("role").stream().filter("tool"::equals).count();
            if (answered < PROBES.size()) {
                streamToolCall(exchange, model, PROBES.get(answered)[0], PROBES.get(answered)[1]);
            } else {
                streamText(exchange, model, List.of("Probed."));
            }
            return;
        }
        if (body.toString().contains("use-dns") && (!toolAnswered || body.toString().contains("loop-tools"))) {
            streamToolCall(exchange, model, "dns_lookup", "{\"name\":\"localhost\"}");
            return;
        }
        if (body.toString().contains("slow-call") && !toolAnswered) {
            streamToolCall(exchange, model, "http_request",
                    "{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/echo?slow=1\"}");
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
        if (exchange.getRequestURI().getQuery() != null && exchange.getRequestURI().getQuery().contains("slow")) {
            SLOW_CALLS.add(exchange.getRequestURI().toString());
            try {
                Thread.sleep(HOLD_MILLIS * 2L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ECHOED.add(String.valueOf(authorization));
        ECHO_METHODS.add(exchange.getRequestMethod());
        byte[] bytes = ("you sent " + authorization).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A reply that asks for one call of {@code tool} with {@code arguments} (JSON), streamed in two parts. */
    private void streamToolCall(HttpExchange exchange, String model, String tool, String arguments) throws IOException {
        stream(exchange, model, List.of(
                "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_" + CALLS.incrementAndGet()
                        + "\",\"type\":\"function\",\"function\":{\"name\":\"" + tool + "\",\"arguments\":\"\"}}]}",
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + JSON.writeValueAsString(arguments) + "}}]}"),
                "tool_calls");
    }

    /** A reply that asks for {@code count} calls of {@code tool} at once. */
    private void streamToolCalls(HttpExchange exchange, String model, String tool, String arguments, int count) throws IOException {
        List<String> deltas = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            deltas.add("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":" + i + ",\"id\":\"call_" + CALLS.incrementAndGet() + "_" + i
                    + "\",\"type\":\"function\",\"function\":{\"name\":\"" + tool + "\",\"arguments\":"
                    + JSON.writeValueAsString(arguments) + "}}]}");
        }
        stream(exchange, model, deltas, "tool_calls");
    }

    private void streamText(HttpExchange exchange, String model, List<String> chunks) throws IOException {
        stream(exchange, model, chunks.stream().map(chunk -> "{\"role\":\"assistant\",\"content\":\"" + chunk + "\"}").toList(),
                "stop");
    }

    /** Text, then a call of {@code tool} in the same reply. */
    private void streamText(HttpExchange exchange, String model, List<String> chunks, String tool, String arguments) throws IOException {
        List<String> deltas = new java.util.ArrayList<>(chunks.stream()
                .map(chunk -> "{\"role\":\"assistant\",\"content\":\"" + chunk + "\"}").toList());
        deltas.add("{\"tool_calls\":[{\"index\":0,\"id\":\"call_" + CALLS.incrementAndGet() + "\",\"type\":\"function\",\"function\":{\"name\":\""
                + tool + "\",\"arguments\":" + JSON.writeValueAsString(arguments) + "}}]}");
        stream(exchange, model, deltas, "tool_calls");
    }

    /** Many chunks a fifth of a second apart; notes when the client closes the stream before the end. */
    private static void slowStream(HttpExchange exchange, String model, String marker) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        String head = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":";
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 150; i++) {
                send(out, head + "[{\"index\":0,\"delta\":{\"content\":\"word" + i + " \"},\"finish_reason\":null}]}");
                Thread.sleep(200);
            }
            send(out, head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException closed) {
            CLOSED_BY_CLIENT.add(marker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One chunk, then nothing for half a minute (unless the client gives up first). */
    private static void stall(HttpExchange exchange, String model) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        String head = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":";
        try (OutputStream out = exchange.getResponseBody()) {
            send(out, head + "[{\"index\":0,\"delta\":{\"content\":\"Thinking\"},\"finish_reason\":null}]}");
            for (int i = 0; i < 300; i++) {
                Thread.sleep(100);
                out.write(":\n".getBytes(StandardCharsets.UTF_8)); // an SSE comment: nothing for the client, but shows a close
                out.flush();
            }
        } catch (IOException closed) {
            CLOSED_BY_CLIENT.add("stall-stream");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The OpenAI streaming shape: one chunk per delta, the finish reason, the usage, then [DONE]. */
    private static void stream(HttpExchange exchange, String model, List<String> deltas, String finishReason) throws IOException {
        stream(exchange, model, deltas, finishReason, COMPLETION_TOKENS);
    }

    private static void stream(HttpExchange exchange, String model, List<String> deltas, String finishReason, int completionTokens)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        String head = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":";
        try (OutputStream out = exchange.getResponseBody()) {
            for (String delta : deltas) {
                send(out, head + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}");
            }
            send(out, head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finishReason + "\"}]}");
            send(out, head + "[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + completionTokens
                    + ",\"total_tokens\":" + (PROMPT_TOKENS + completionTokens) + "}}");
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

    private static void hold(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
