package dev.relay.task.task.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.relay.common.error.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The Neo create call picks its response from a body field ({@code response_format}) before the Accept header.
 * JAX-RS selects methods by Accept alone, so this handler reads the body first and states the choice in Accept;
 * {@link TaskResource} then has one method per response type.
 */
@ApplicationScoped
public class ResponseModeRouting {

    static final String PATH = "/api/v1/tasks";

    void install(@Observes Router router) {
        router.post(PATH).order(-10).handler(BodyHandler.create().setBodyLimit(1024 * 1024).setHandleFileUploads(false));
        router.post(PATH).order(-9).handler(this::chooseResponse);
    }

    private void chooseResponse(RoutingContext context) {
        if (context.body().length() <= 0) {
            // the resource would wait for a body the handler above already took
            throw ApiException.invalidRequest("the body is empty: a task needs at least a 'task' or a 'message'");
        }
        String format = null;
        try {
            if (context.body().length() > 0 && context.body().buffer().getByte(0) == '{') {
                format = context.body().asJsonObject().getString("response_format");
            }
        } catch (DecodeException | ClassCastException malformed) {
            // the resource answers malformed JSON with a 400 naming the problem
        }
        boolean json = TaskMapper.wantsJson(format, context.request().getHeader(HttpHeaders.ACCEPT));
        context.request().headers().set(HttpHeaders.ACCEPT, json ? MediaType.APPLICATION_JSON : MediaType.SERVER_SENT_EVENTS);
        context.next();
    }
}
