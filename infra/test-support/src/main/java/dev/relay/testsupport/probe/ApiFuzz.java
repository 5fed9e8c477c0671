package dev.relay.testsupport.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * The property every operation of a service must hold whatever it is sent: generated requests (jqwik arbitraries
 * from the OpenAPI document: parameters and bodies mostly as the schema allows, mixed with wrong types, nulls,
 * hostile text, garbage and wrong content types) never get a 5xx, a hang, a 4xx without the error body, or a body
 * that leaks internals or a planted secret ({@link ResponseRules}).
 */
public final class ApiFuzz {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_URL_VALUE = 1000;
    private static final int PARALLEL = 8;
    private static final List<String> GARBAGE_BODIES = List.of("", "{", "[", "null", "42", "\"text\"", "{\"a\":1,\"a\":2}",
            "[".repeat(5000) + "]".repeat(5000), "{\"x\":" + "9".repeat(5000) + "}", "not json at all", "{\"\u0000\":1}",
            "\uFEFF{}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}");

    private final URI base;
    private final String authorization;
    private final Function<String, List<String>> pathValues;
    private final Collection<String> secrets;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    /**
     * @param authorization the {@code Authorization} header of a valid caller
     * @param pathValues    valid values of a path parameter by its name (an id of something the caller owns), so
     *                      requests reach past the look-up; hostile values are mixed in
     * @param secrets       values that must never appear in a response
     */
    public ApiFuzz(URI base, String authorization, Function<String, List<String>> pathValues, Collection<String> secrets) {
        this.base = base;
        this.authorization = authorization;
        this.pathValues = pathValues;
        this.secrets = secrets;
    }

    /** A request that broke a rule, described so it can be sent again by hand. */
    public record Finding(String request, int status, String body, List<String> broken) {
        @Override
        public String toString() {
            return request + " -> " + status + " " + broken + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /**
     * Sends {@code cases} generated requests to each operation, {@value #PARALLEL} at a time (some answers are slow
     * on purpose, such as a stream that waits for an unknown task); answers the ones that broke a rule.
     */
    public List<Finding> run(List<ApiOperations.Operation> operations, int cases) {
        List<Request> requests = new ArrayList<>();
        for (ApiOperations.Operation operation : operations) {
            requests(operation).sampleStream().limit(cases).forEach(requests::add);
        }
        ExecutorService senders = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<Finding>> answers = new ArrayList<>();
            for (Request request : requests) {
                answers.add(senders.submit(() -> send(request)));
            }
            List<Finding> findings = new ArrayList<>();
            for (Future<Finding> answer : answers) {
                Finding finding = answer.get();
                if (finding != null) {
                    findings.add(finding);
                }
            }
            return findings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            senders.shutdownNow();
        }
    }

    /** A generated request: method, encoded target, content type (or none) and body (or none). */
    record Request(String method, String target, String contentType, String body) {
        @Override
        public String toString() {
            String shownBody = body == null ? "" : " body=" + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
            return method + " " + (target.length() > 200 ? target.substring(0, 200) + "…" : target)
                    + (contentType == null ? "" : " [" + contentType + "]") + shownBody;
        }
    }

    private Arbitrary<Request> requests(ApiOperations.Operation operation) {
        Arbitrary<Map<String, String>> path = parameters(operation, "path");
        Arbitrary<Map<String, String>> query = parameters(operation, "query");
        Arbitrary<String> body = operation.bodySchema().isMissingNode() ? Arbitraries.just(null) : bodies(operation);
        Arbitrary<String> contentType = operation.bodyType() == null ? Arbitraries.just(null) : Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(operation.bodyType())),
                Tuple.of(1, Arbitraries.of("text/plain", "application/xml", "application/json; charset=latin1", "")));
        return net.jqwik.api.Combinators.combine(path, query, body, contentType).as((pathValues, queryValues, text, type) -> {
            StringJoiner queryString = new StringJoiner("&", "?", "").setEmptyValue("");
            queryValues.forEach((name, value) -> queryString.add(encode(name) + "=" + encode(value)));
            Map<String, String> encodedPath = new LinkedHashMap<>();
            pathValues.forEach((name, value) -> encodedPath.put(name, encode(value)));
            return new Request(operation.method(), operation.path(encodedPath) + queryString, type, text);
        });
    }

    private Arbitrary<Map<String, String>> parameters(ApiOperations.Operation operation, String in) {
        List<String> names = new ArrayList<>();
        List<Arbitrary<String>> values = new ArrayList<>();
        for (ApiOperations.Parameter parameter : operation.parameters()) {
            if (!parameter.in().equals(in)) {
                continue;
            }
            names.add(parameter.name());
            // URL-borne values stay within the request line a gateway passes on (nginx: 8 KiB); longer lines are
            // refused by the HTTP codec before any handler, which EdgeProbes checks at the gateway
            Arbitrary<String> generated = SchemaValues.of(parameter.schema())
                    .map(value -> value == null ? "" : String.valueOf(value))
                    .map(value -> value.length() > MAX_URL_VALUE ? value.substring(0, MAX_URL_VALUE) : value);
            List<String> known = pathValues.apply(parameter.name());
            if (in.equals("path")) {
                values.add(known == null || known.isEmpty() ? generated
                        : Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(known)), Tuple.of(2, generated)));
            } else {
                values.add(Arbitraries.frequencyOf(Tuple.of(1, generated), Tuple.of(1, Arbitraries.just((String) null))));
            }
        }
        if (names.isEmpty()) {
            return Arbitraries.just(Map.of());
        }
        return net.jqwik.api.Combinators.combine(values).as(chosen -> {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (chosen.get(i) != null) {
                    map.put(names.get(i), chosen.get(i));
                }
            }
            return map;
        });
    }

    private static Arbitrary<String> bodies(ApiOperations.Operation operation) {
        return Arbitraries.frequencyOf(
                Tuple.of(12, SchemaValues.of(operation.bodySchema()).map(ApiFuzz::toJson)),
                Tuple.of(2, Arbitraries.of(GARBAGE_BODIES)),
                Tuple.of(1, Arbitraries.just(null)));
    }

    private Finding send(Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(request.target())).timeout(TIMEOUT)
                .header("Authorization", authorization);
        if (request.contentType() != null && !request.contentType().isEmpty()) {
            builder.header("Content-Type", request.contentType());
        }
        builder.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(request.body()));
        int status;
        String contentType;
        String body;
        try {
            HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            contentType = response.headers().firstValue("content-type").orElse("");
            try (InputStream in = response.body()) {
                // an event stream that opened is an answer; its events are not this probe's concern
                body = contentType.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (HttpTimeoutException e) {
            status = 0;
            contentType = "";
            body = "";
        } catch (IOException e) {
            return new Finding(request.toString(), -1, String.valueOf(e), List.of("the connection failed: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<String> broken = ResponseRules.broken(status, contentType, body, secrets);
        return broken.isEmpty() ? null : new Finding(request.toString(), status, body, broken);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
