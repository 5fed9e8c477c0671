package dev.relay.common.error;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a body declared larger than {@code quarkus.http.limits.max-body-size} with a 413 carrying the error body,
 * before any handler reads it (Vert.x's own limit answers an empty 413). A chunked body without a length still
 * meets Vert.x's limit.
 */
@ApplicationScoped
public class BodySizeLimit {

    private final long limit;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(this::check);
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && exceeds(length)) {
            context.response().putHeader("Connection", "close");
            VertxErrors.respond(context, 413, "the body has " + length + " bytes, more than the " + limit + " this service accepts");
            return;
        }
        context.next();
    }

    private boolean exceeds(String length) {
        try {
            return Long.parseLong(length.strip()) > limit;
        } catch (NumberFormatException malformed) {
            return false;
        }
    }
}
