package dev.relay.common.error;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The error body for the answers Vert.x gives before Relay's code runs (a path it cannot decode, a body over the
 * limit, no route, …) and for failures of Vert.x route handlers: a failure handler ahead of Quarkus's own, which
 * would answer them with an empty body or a page of its own.
 */
@ApplicationScoped
public class VertxErrors {

    void install(@Observes Router router) {
        router.route().order(-98).failureHandler(this::onFailure);
        // a path Vert.x cannot decode matches no route, so no failure handler sees it
        for (int status : new int[] {400, 404, 405, 413, 414, 415, 431}) {
            router.errorHandler(status, this::onFailure);
        }
    }

    private void onFailure(RoutingContext context) {
        int status = context.statusCode();
        if (context.response().headWritten()) {
            context.next();
            return;
        }
        if (context.failure() != null) {
            Response answer = ErrorMappers.toResponse(context.failure());
            context.response().setStatusCode(answer.getStatus())
                    .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                    .end(Json.encode(answer.getEntity()));
            return;
        }
        if (status >= 400 && status < 500) {
            respond(context, status, switch (status) {
                case 404 -> "not found: no route for this path";
                case 405 -> "the method " + context.request().method() + " is not allowed here";
                case 413 -> "the body is larger than this service accepts";
                default -> "the request cannot be read";
            });
            return;
        }
        context.next();
    }

    /** Ends the exchange with {@code status} and the error body saying {@code message}. */
    static void respond(RoutingContext context, int status, String message) {
        ErrorBody body = ErrorBody.of(status, ErrorMappers.codeFor(status), ErrorMappers.kindFor(status), message, null);
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .end(Json.encode(body));
    }
}
