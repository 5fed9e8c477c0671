package dev.relay.k8s;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.k8s.Manifests.Document;

/**
 * Which service a request path goes to, as the Gateway API HTTPRoutes route it and as the nginx dev gateway does,
 * each by its own matching rules: Gateway API — Exact, then RegularExpression (whole path), then the longest
 * PathPrefix by path elements; nginx — {@code =}, then the longest prefix if it is {@code ^~}, then the first matching
 * regular expression in file order, then the longest prefix.
 */
final class RouteTable {

    enum Match { EXACT, PREFIX, REGEX }

    /** One path match and the service it sends to, written the same way for both gateways. */
    record Route(Match match, String pattern, String service, boolean stopsRegexSearch) {

        /** The same route whatever gateway spelled it: prefixes without a trailing slash. */
        Route normalized() {
            boolean slash = match == Match.PREFIX && pattern.length() > 1 && pattern.endsWith("/");
            return new Route(match, slash ? pattern.substring(0, pattern.length() - 1) : pattern, service, false);
        }
    }

    private static final Pattern LOCATION = Pattern.compile("location\\s+(=|~\\*|~|\\^~)?\\s*(\\S+)\\s*\\{");
    private static final Pattern PROXY_PASS = Pattern.compile("proxy_pass\\s+http://([a-z_]+)\\s*;");

    private RouteTable() {
    }

    static List<Route> fromHttpRoutes(List<Document> documents) {
        List<Route> routes = new ArrayList<>();
        for (Document document : documents) {
            if (!document.kind().equals("HTTPRoute")) {
                continue;
            }
            for (JsonNode rule : document.node().path("spec").path("rules")) {
                String service = rule.path("backendRefs").path(0).path("name").asText();
                for (JsonNode match : rule.path("matches")) {
                    JsonNode path = match.path("path");
                    Match type = switch (path.path("type").asText("PathPrefix")) {
                        case "Exact" -> Match.EXACT;
                        case "RegularExpression" -> Match.REGEX;
                        default -> Match.PREFIX;
                    };
                    routes.add(new Route(type, path.path("value").asText("/"), service, false));
                }
            }
        }
        return routes;
    }

    /** The locations of an nginx configuration that proxy to an upstream named after a service (task_service → task-service). */
    static List<Route> fromNginx(String configuration) {
        List<Route> routes = new ArrayList<>();
        Matcher location = LOCATION.matcher(configuration);
        while (location.find()) {
            String body = block(configuration, location.end());
            Matcher proxy = PROXY_PASS.matcher(body);
            if (!proxy.find()) {
                continue;
            }
            String modifier = location.group(1) == null ? "" : location.group(1);
            Match type = switch (modifier) {
                case "=" -> Match.EXACT;
                case "~", "~*" -> Match.REGEX;
                default -> Match.PREFIX;
            };
            String pattern = type == Match.REGEX ? wholePath(location.group(2)) : location.group(2);
            routes.add(new Route(type, pattern, proxy.group(1).replace('_', '-'), modifier.equals("^~")));
        }
        return routes;
    }

    static Optional<String> gatewayApiRoute(List<Route> routes, String path) {
        Optional<Route> exact = routes.stream().filter(r -> r.match() == Match.EXACT && r.pattern().equals(path)).findFirst();
        if (exact.isPresent()) {
            return exact.map(Route::service);
        }
        List<String> byRegex = routes.stream().filter(r -> r.match() == Match.REGEX && path.matches(r.pattern()))
                .map(Route::service).distinct().toList();
        if (byRegex.size() > 1) {
            throw new AssertionError(path + " matches regular expressions of several services " + byRegex
                    + ": their order is up to the Gateway API implementation");
        }
        if (byRegex.size() == 1) {
            return Optional.of(byRegex.get(0));
        }
        return routes.stream().filter(r -> r.match() == Match.PREFIX && prefixOfElements(r.pattern(), path))
                .max(Comparator.comparingInt(r -> r.pattern().length())).map(Route::service);
    }

    static Optional<String> nginxRoute(List<Route> routes, String path) {
        Optional<Route> exact = routes.stream().filter(r -> r.match() == Match.EXACT && r.pattern().equals(path)).findFirst();
        if (exact.isPresent()) {
            return exact.map(Route::service);
        }
        Optional<Route> prefix = routes.stream().filter(r -> r.match() == Match.PREFIX && path.startsWith(r.pattern()))
                .max(Comparator.comparingInt(r -> r.pattern().length()));
        if (prefix.isPresent() && prefix.get().stopsRegexSearch()) {
            return prefix.map(Route::service);
        }
        return routes.stream().filter(r -> r.match() == Match.REGEX && path.matches(r.pattern()))
                .findFirst().or(() -> prefix).map(Route::service);
    }

    /** An nginx expression (found anywhere in the path) as one that matches the whole path, as the Gateway API's do. */
    private static String wholePath(String expression) {
        String start = expression.startsWith("^") ? expression.substring(1) : ".*" + expression;
        return start.endsWith("$") ? start.substring(0, start.length() - 1) : start + ".*";
    }

    private static boolean prefixOfElements(String prefix, String path) {
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return path.equals(trimmed) || path.startsWith(trimmed + "/");
    }

    /** The body of the block that starts at {@code start} (just after its brace), quoted braces and comments ignored. */
    static String block(String text, int start) {
        int depth = 1;
        char quote = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '#') {
                // a comment runs to the end of its line (an apostrophe in it is not a quote)
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(start, i);
            }
        }
        throw new IllegalArgumentException("unclosed block at " + start);
    }
}
