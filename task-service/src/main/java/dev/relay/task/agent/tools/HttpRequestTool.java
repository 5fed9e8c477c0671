package dev.relay.task.agent.tools;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code http_request}: GET, HEAD or POST to a host on the operator's allow-list, with a bounded response and time;
 * no redirects are followed (the answer says where one points). {@code {{secrets.NAME}}} in the URL, headers or body
 * is replaced by the run's secret of that name, which never comes back in the result.
 */
class HttpRequestTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");
    private static final Pattern SECRET = Pattern.compile("\\{\\{secrets\\.([A-Za-z_][A-Za-z0-9_]*)}}");
    private static final Set<String> SHOWN_HEADERS = Set.of("content-type", "content-length", "location", "server", "date");

    private final List<String> allowedHosts;
    private final long maxResponseBytes;
    private final Duration timeout;
    private final HttpClient http;

    HttpRequestTool(List<String> allowedHosts, long maxResponseBytes, Duration timeout) {
        this.allowedHosts = allowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        this.maxResponseBytes = maxResponseBytes;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String name() {
        return "http_request";
    }

    @Override
    public String description() {
        return "Sends an HTTP GET, HEAD or POST to an allowed host (" + String.join(", ", allowedHosts) + ") and answers the "
                + "status, main headers and the start of the body. Write {{secrets.NAME}} to use a secret the task named.";
    }

    @Override
    public ObjectNode parameters() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.putArray("required").add("url");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("method").put("type", "string").putArray("enum").add("GET").add("HEAD").add("POST");
        properties.putObject("url").put("type", "string");
        properties.putObject("headers").put("type", "object").putObject("additionalProperties").put("type", "string");
        properties.putObject("body").put("type", "string");
        return schema;
    }

    @Override
    public boolean changesSomething(JsonNode arguments) {
        return !Set.of("GET", "HEAD").contains(arguments.path("method").asText("GET").toUpperCase(Locale.ROOT));
    }

    /** Whether the URL's host is one the operator allows (exact, or under a {@code *.} entry). */
    public boolean allows(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return allowedHosts.stream().anyMatch(allowed -> allowed.startsWith("*.")
                ? host.endsWith(allowed.substring(1)) : host.equals(allowed));
    }

    @Override
    public ToolResult call(JsonNode arguments, Map<String, String> secrets) throws Exception {
        String method = arguments.path("method").asText("GET").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            return ToolResult.failed("'method' must be GET, HEAD or POST");
        }
        URI url;
        try {
            url = URI.create(fill(arguments.path("url").asText(""), secrets));
        } catch (IllegalArgumentException | MissingSecret bad) {
            return ToolResult.failed(bad instanceof MissingSecret ? bad.getMessage() : "'url' is not a URL");
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            return ToolResult.failed("'url' must be an http or https URL");
        }
        if (!allows(url)) {
            return ToolResult.failed("host " + url.getHost() + " is not on the allow-list (" + String.join(", ", allowedHosts) + ")");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout);
        try {
            for (var header : (Iterable<Map.Entry<String, JsonNode>>) () -> arguments.path("headers").fields()) {
                request.header(header.getKey(), fill(header.getValue().asText(), secrets));
            }
            String body = arguments.hasNonNull("body") ? fill(arguments.path("body").asText(), secrets) : null;
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        } catch (MissingSecret missing) {
            return ToolResult.failed(missing.getMessage());
        } catch (IllegalArgumentException badHeader) {
            return ToolResult.failed("a header is not allowed: " + badHeader.getMessage());
        }
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            ObjectNode answer = JSON.createObjectNode().put("status", response.statusCode());
            ObjectNode headers = answer.putObject("headers");
            response.headers().map().forEach((name, values) -> {
                if (SHOWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values));
                }
            });
            try (InputStream in = response.body()) {
                CallDeadline.closeOnExpiry(in); // an interrupt does not end a read of the body: closing it does
                byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxResponseBytes + 1));
                boolean cut = read.length > maxResponseBytes;
                answer.put("body", new String(read, 0, (int) Math.min(read.length, maxResponseBytes), StandardCharsets.UTF_8));
                if (cut) {
                    answer.put("body_cut_at_bytes", maxResponseBytes);
                }
            }
            return ToolResult.ok(answer.toString());
        } catch (java.io.IOException unreachable) {
            return ToolResult.failed("no answer from " + url.getHost() + ": " + unreachable.getClass().getSimpleName());
        }
    }

    private static String fill(String text, Map<String, String> secrets) {
        Matcher reference = SECRET.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (reference.find()) {
            String value = secrets.get(reference.group(1));
            if (value == null) {
                throw new MissingSecret(reference.group(1));
            }
            reference.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        return reference.appendTail(filled).toString();
    }

    private static final class MissingSecret extends RuntimeException {
        MissingSecret(String name) {
            super("secret " + name + " was not named by the task (secrets) or does not exist");
        }
    }
}
