package dev.relay.task.agent.tools;

import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.egress.Destination;
import dev.relay.common.egress.EgressHttp;
import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRefused;

/**
 * {@code http_request}: GET, HEAD or POST to a host on the operator's allow-list, with a bounded response and time;
 * no redirects are followed (the answer says where one points). {@code {{secrets.NAME}}} in a header's value or the
 * body is replaced by the run's secret of that name when the request goes to one of the hosts that secret is bound
 * to (never in the URL: a path, query or host name is logged and resolved by others); it never comes back in the
 * result. Besides the allow-list, every request goes through the egress policy (port, and every address the host
 * resolves to) and to the address it checked.
 */
class HttpRequestTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");
    private static final Pattern SECRET = Pattern.compile("\\{\\{secrets\\.([A-Za-z_][A-Za-z0-9_]*)}}");
    private static final Set<String> SHOWN_HEADERS = Set.of("content-type", "content-length", "location", "server", "date");

    private static final Duration EXCHANGE_MARGIN = Duration.ofMillis(500);

    private final List<String> allowedHosts;
    private final long maxResponseBytes;
    private final Duration timeout;
    private final EgressPolicy egress;
    private final EgressHttp http;

    HttpRequestTool(List<String> allowedHosts, long maxResponseBytes, Duration timeout, EgressPolicy egress) {
        this.allowedHosts = allowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        this.maxResponseBytes = maxResponseBytes;
        this.timeout = timeout;
        this.egress = egress;
        this.http = EgressHttp.withDefaultTrust();
    }

    @Override
    public String name() {
        return "http_request";
    }

    @Override
    public String description() {
        return "Sends an HTTP GET, HEAD or POST to an allowed host (" + String.join(", ", allowedHosts) + ") and answers the "
                + "status, main headers and the start of the body. Write {{secrets.NAME}} in a header or the body to use a secret the "
                + "task named (only towards the hosts that secret is bound to).";
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
        return matches(allowedHosts, url.getHost());
    }

    /** Whether {@code host} is one of {@code hosts} (exact, or under a {@code *.} entry). */
    private static boolean matches(List<String> hosts, String host) {
        String name = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return hosts.stream().anyMatch(allowed -> allowed.startsWith("*.") ? name.endsWith(allowed.substring(1)) : name.equals(allowed));
    }

    @Override
    public ToolResult call(JsonNode arguments, Map<String, String> secrets) throws Exception {
        return call(arguments, secrets, Map.of());
    }

    @Override
    public ToolResult call(JsonNode arguments, Map<String, String> secrets, Map<String, List<String>> secretHosts) throws Exception {
        String method = arguments.path("method").asText("GET").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            return ToolResult.failed("'method' must be GET, HEAD or POST");
        }
        URI url;
        try {
            if (SECRET.matcher(arguments.path("url").asText("")).find()) {
                return ToolResult.failed("a secret may only be used in a header or the body, never in the URL");
            }
            url = URI.create(arguments.path("url").asText(""));
        } catch (IllegalArgumentException bad) {
            return ToolResult.failed("'url' is not a URL");
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            return ToolResult.failed("'url' must be an http or https URL");
        }
        if (!allows(url)) {
            return ToolResult.failed("host " + url.getHost() + " is not on the allow-list (" + String.join(", ", allowedHosts) + ")");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        byte[] body;
        try {
            for (var header : (Iterable<Map.Entry<String, JsonNode>>) () -> arguments.path("headers").fields()) {
                if (SECRET.matcher(header.getKey()).find()) {
                    return ToolResult.failed("a secret may only be used in a header's value or the body");
                }
                String value = fill(header.getValue().asText(), secrets, secretHosts, url.getHost());
                EgressHttp.checkHeader(header.getKey(), value);
                headers.add(Map.entry(header.getKey(), value));
            }
            body = arguments.hasNonNull("body")
                    ? fill(arguments.path("body").asText(), secrets, secretHosts, url.getHost()).getBytes(StandardCharsets.UTF_8) : null;
        } catch (MissingSecret missing) {
            return ToolResult.failed(missing.getMessage());
        } catch (IllegalArgumentException badHeader) {
            return ToolResult.failed("a header is not allowed: " + badHeader.getMessage());
        }
        Destination destination;
        try {
            destination = egress.check(url);
        } catch (EgressRefused refused) {
            return ToolResult.failed(refused.getMessage());
        } catch (UnknownHostException unknown) {
            return ToolResult.failed("no answer from " + url.getHost());
        }
        try {
            // the call's deadline closes the socket; the exchange's own bound, a little later, is for a call made without one
            EgressHttp.Response response = http.exchange(destination, method, url, headers, body, maxResponseBytes,
                    timeout.plus(EXCHANGE_MARGIN), CallDeadline::closeOnExpiry);
            ObjectNode answer = JSON.createObjectNode().put("status", response.status());
            ObjectNode shown = answer.putObject("headers");
            response.headers().forEach((name, values) -> {
                if (SHOWN_HEADERS.contains(name)) {
                    shown.put(name, String.join(", ", values));
                }
            });
            answer.put("body", new String(response.body(), StandardCharsets.UTF_8));
            if (response.cut()) {
                answer.put("body_cut_at_bytes", maxResponseBytes);
            }
            return ToolResult.ok(answer.toString());
        } catch (java.io.IOException unreachable) {
            return ToolResult.failed("no answer from " + url.getHost());
        }
    }

    /** {@code text} with each secret it names filled in, when {@code host} is one that secret may be sent to. */
    private static String fill(String text, Map<String, String> secrets, Map<String, List<String>> secretHosts, String host) {
        Matcher reference = SECRET.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (reference.find()) {
            String value = secrets.get(reference.group(1));
            if (value == null) {
                throw new MissingSecret(reference.group(1));
            }
            List<String> hosts = secretHosts.getOrDefault(reference.group(1), List.of());
            if (!matches(hosts, host)) {
                throw new MissingSecret(reference.group(1), hosts.isEmpty()
                        ? "has no hosts it may be sent to (it was stored before hosts were required: store it again with its hosts)"
                        : "may only be sent to " + String.join(", ", hosts) + ", not to " + host);
            }
            reference.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        return reference.appendTail(filled).toString();
    }

    private static final class MissingSecret extends RuntimeException {
        MissingSecret(String name) {
            super("secret " + name + " was not named by the task (secrets) or does not exist");
        }

        MissingSecret(String name, String why) {
            super("secret " + name + " " + why + "; the request was not sent");
        }
    }
}
