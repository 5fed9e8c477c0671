package dev.relay.testsupport.probe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Who may call which operation: for each operation × {@link Principal} the expected {@link Outcome}, asserted by
 * calling it. The operations come from the service's OpenAPI document, so an operation added without a row here
 * fails the matrix instead of going unchecked; every principal but {@code NO_AUTH} needs its credential.
 */
public final class AccessMatrix {

    /** The callers tried on every operation. */
    public enum Principal {
        CREATOR, SAME_ORG_MEMBER, ORG_ADMIN, CREATOR_API_KEY, OTHER_ORG_USER, NO_AUTH, EXPIRED_TOKEN, ALG_NONE_TOKEN,
        HS256_PUBLIC_KEY_TOKEN, WRONG_ISSUER_TOKEN, WRONG_AUDIENCE_TOKEN, FOREIGN_KEY_TOKEN, REVOKED_API_KEY
    }

    /** What a call must get: served (any answer but 401, 403, 404 and 5xx), or refused with that status. */
    public enum Outcome {
        ALLOW(0), DENY_401(401), DENY_403(403), DENY_404(404);

        final int status;

        Outcome(int status) {
            this.status = status;
        }
    }

    /** How a caller is presented: the header name and value. */
    public record Credential(String header, String value) {
        public static Credential bearer(String token) {
            return new Credential("Authorization", "Bearer " + token);
        }
    }

    /** One call to make: the method and path with its ids filled in, and a body a creator would send. */
    public record Call(String method, String path, String body) {
    }

    private final URI base;
    private final Map<Principal, Credential> credentials;
    private final Map<String, Map<Principal, Outcome>> rows = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    public AccessMatrix(URI base, Map<Principal, Credential> credentials) {
        this.base = base;
        this.credentials = new EnumMap<>(credentials);
        // every principal is tried on every operation: one without its credential would be tried as NO_AUTH and pass
        // without being tried
        for (Principal principal : Principal.values()) {
            if (principal != Principal.NO_AUTH && !credentials.containsKey(principal)) {
                throw new IllegalArgumentException("no credential for " + principal);
            }
        }
    }

    private static final List<Principal> UNAUTHENTICATED = List.of(Principal.NO_AUTH, Principal.EXPIRED_TOKEN,
            Principal.ALG_NONE_TOKEN, Principal.HS256_PUBLIC_KEY_TOKEN, Principal.WRONG_ISSUER_TOKEN,
            Principal.WRONG_AUDIENCE_TOKEN, Principal.FOREIGN_KEY_TOKEN, Principal.REVOKED_API_KEY);
    /** The callers of the creator's own organization whose outcome depends on the operation: every row names them. */
    private static final List<Principal> NAMED_IN_EVERY_ROW = List.of(Principal.SAME_ORG_MEMBER, Principal.ORG_ADMIN,
            Principal.CREATOR_API_KEY);

    /**
     * The tokens of {@code email} in {@code org} that must all be refused with a 401: expired, unsigned, HS256 keyed
     * with the public key, from another issuer, for another audience, signed by a key nobody trusts.
     */
    public static Map<Principal, Credential> forgedTokens(String org, String email) {
        Map<Principal, Credential> tokens = new EnumMap<>(Principal.class);
        tokens.put(Principal.EXPIRED_TOKEN, Credential.bearer(dev.relay.testsupport.TestTokens.expired(org, email, Duration.ofSeconds(30))));
        tokens.put(Principal.ALG_NONE_TOKEN, Credential.bearer(dev.relay.testsupport.TestTokens.unsigned(org, email)));
        tokens.put(Principal.HS256_PUBLIC_KEY_TOKEN, Credential.bearer(dev.relay.testsupport.TestTokens.hs256WithPublicKey(org, email)));
        tokens.put(Principal.WRONG_ISSUER_TOKEN, Credential.bearer(dev.relay.testsupport.TestTokens.wrongIssuer(org, email)));
        tokens.put(Principal.WRONG_AUDIENCE_TOKEN, Credential.bearer(dev.relay.testsupport.TestTokens.wrongAudience(org, email)));
        tokens.put(Principal.FOREIGN_KEY_TOKEN, Credential.bearer(dev.relay.testsupport.TestTokens.foreignKey(org, email)));
        return tokens;
    }

    /**
     * The row of an operation ({@code "GET /path/{id}"}): what each principal gets. A member of the creator's
     * organization, its admin and the creator's API key must be named (what they get is the operation's own rule);
     * the others get the defaults unless named: the creator is served, a user of another organization gets a 404 (the
     * id is not theirs to learn of), and every caller without valid credentials a 401.
     */
    public AccessMatrix row(String operation, Map<Principal, Outcome> outcomes) {
        Map<Principal, Outcome> row = new EnumMap<>(Principal.class);
        row.put(Principal.CREATOR, Outcome.ALLOW);
        row.put(Principal.OTHER_ORG_USER, Outcome.DENY_404);
        for (Principal unauthenticated : UNAUTHENTICATED) {
            row.put(unauthenticated, Outcome.DENY_401);
        }
        row.putAll(outcomes);
        for (Principal principal : NAMED_IN_EVERY_ROW) {
            if (!outcomes.containsKey(principal)) {
                throw new IllegalArgumentException(operation + " does not say what " + principal + " gets");
            }
        }
        for (Principal principal : row.keySet()) {
            if (principal != Principal.NO_AUTH && !credentials.containsKey(principal)) {
                throw new IllegalArgumentException(operation + " names " + principal + ", which has no credential");
            }
        }
        rows.put(operation, row);
        return this;
    }

    /** The operations of {@code operations} that have no row. */
    public List<String> unlisted(List<ApiOperations.Operation> operations) {
        return operations.stream().map(ApiOperations.Operation::key)
                .filter(key -> !rows.containsKey(key)).toList();
    }

    /**
     * Calls every row with every principal ({@code calls} makes a fresh call of an operation: ids of a resource
     * the creator owns, in a state where the operation applies) and answers every mismatch. The creator goes last,
     * so an operation that changes state is tried by the others first.
     */
    public List<String> mismatches(Function<String, Call> calls) {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Map<Principal, Outcome>> row : rows.entrySet()) {
            List<Principal> order = new ArrayList<>(row.getValue().keySet());
            order.remove(Principal.CREATOR);
            order.add(Principal.CREATOR);
            for (Principal principal : order) {
                Outcome expected = row.getValue().get(principal);
                Call call = calls.apply(row.getKey());
                Answer answer = send(call, credentials.get(principal));
                boolean ok = expected == Outcome.ALLOW
                        ? answer.status() < 500 && !List.of(401, 403, 404).contains(answer.status())
                        : answer.status() == expected.status && ResponseRules.errorBodyProblem(answer.contentType(), answer.body()) == null;
                if (!ok) {
                    mismatches.add(row.getKey() + " as " + principal + ": expected " + expected + ", got "
                            + answer.status() + " " + abbreviated(answer.body()));
                }
            }
        }
        return mismatches;
    }

    private record Answer(int status, String contentType, String body) {
    }

    private Answer send(Call call, Credential credential) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(call.path())).timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json");
        if (credential != null) {
            request.header(credential.header(), credential.value());
        }
        if (call.body() != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call.body()));
        try {
            HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String contentType = response.headers().firstValue("content-type").orElse("");
            try (java.io.InputStream body = response.body()) {
                // an event stream that opened was served; it may run for as long as its task
                return new Answer(response.statusCode(), contentType, contentType.startsWith("text/event-stream")
                        ? "(event stream)" : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(call.method() + " " + call.path(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviated(String body) {
        return body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
