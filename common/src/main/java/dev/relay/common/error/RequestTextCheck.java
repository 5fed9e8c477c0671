package dev.relay.common.error;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.relay.common.api.StorableText;

/**
 * Refuses, before any handler runs, a path or query that is not correctly percent-encoded or that decodes to text
 * PostgreSQL cannot store ({@link StorableText}), with a 400 naming the part; bodies are checked as they are read
 * ({@link dev.relay.common.api.StrictJson}).
 */
@ApplicationScoped
public class RequestTextCheck {

    void install(@Observes Router router) {
        router.route().order(-99).handler(this::check);
    }

    private void check(RoutingContext context) {
        String problem = problemOf(context.request().path(), context.request().query());
        if (problem != null) {
            VertxErrors.respond(context, 400, problem);
            return;
        }
        context.next();
    }

    static String problemOf(String rawPath, String rawQuery) {
        String path;
        try {
            path = QueryStringDecoder.decodeComponent(rawPath == null ? "" : rawPath.replace("+", "%2B"));
        } catch (IllegalArgumentException malformed) {
            return "the path is not correctly percent-encoded";
        }
        String problem = StorableText.problem(path);
        if (problem != null) {
            return "the path " + problem;
        }
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, java.util.List<String>> parameters;
        try {
            parameters = new QueryStringDecoder(rawQuery, false).parameters();
        } catch (IllegalArgumentException malformed) {
            return "the query is not correctly percent-encoded";
        }
        for (Map.Entry<String, java.util.List<String>> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (StorableText.problem(name) != null) {
                return "a query parameter name " + StorableText.problem(name);
            }
            for (String value : parameter.getValue()) {
                if (StorableText.problem(value) != null) {
                    return "parameter '" + name + "' " + StorableText.problem(value);
                }
            }
        }
        return null;
    }
}
