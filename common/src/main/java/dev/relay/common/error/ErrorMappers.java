package dev.relay.common.error;

import java.io.IOException;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.relay.common.api.StrictJson;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Turns every failure into the seeds' error body, so no client ever sees a stack trace or an HTML page.
 * Unexpected failures are logged with the {@code error_id} the client receives.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** The answer to any failure, for handlers outside JAX-RS (Vert.x routes) that refuse a request the same way. */
    public static Response toResponse(Throwable e) {
        ErrorMappers mappers = new ErrorMappers();
        if (e instanceof ApiException api) {
            return mappers.api(api);
        }
        if (e instanceof JsonProcessingException json) {
            return mappers.malformedJson(json);
        }
        if (e instanceof AuthenticationFailedException || e instanceof UnauthorizedException) {
            return mappers.unauthenticated(null);
        }
        if (e instanceof ForbiddenException forbidden) {
            return mappers.forbidden(forbidden);
        }
        if (e instanceof WebApplicationException web) {
            return mappers.web(web);
        }
        return mappers.unexpected(e);
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        if (e.retryAfterSeconds() > 0) {
            return Response.fromResponse(respond(e.status(), e.code(), e.kind(), e.getMessage(), null))
                    .header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
        }
        return respond(e.status(), e.code(), e.kind(), e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return respond(400, "invalid_request", "invalid request", describe(e), null);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return malformedJson(e);
    }

    /** Ahead of the REST layer's own mapper, which answers a parse failure with a bare "HTTP 400 Bad Request". */
    @ServerExceptionMapper
    public Response unparsableJson(StreamReadException e) {
        return malformedJson(e);
    }

    /** Reading a body without a declared length stops at the limit with this failure (Quarkus's VertxInputStream). */
    @ServerExceptionMapper
    public Response unreadable(IOException e) {
        if ("Request too large".equals(e.getMessage())) {
            return respond(413, "payload_too_large", "payload too large", "the body is larger than this service accepts", null);
        }
        return unexpected(e);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        return respond(401, "unauthorized", "unauthorized", "a valid bearer token is required", null);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthenticated(null);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(403, "forbidden", "forbidden request", "the caller may not do this", null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        return respond(status, codeFor(status), Response.Status.Family.familyOf(status) == Response.Status.Family.CLIENT_ERROR
                ? kindFor(status) : "error", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure, error_id=%s", errorId);
        return respond(500, "internal", "internal error", "the request could not be completed", errorId);
    }

    private static Response respond(int status, String code, String kind, String detail, String errorId) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of(status, code, kind, detail, errorId))
                .build();
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return "field '" + field + "' " + (e instanceof StrictJson.UnstorableText ? e.getOriginalMessage() : "has an invalid value");
        }
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
            return "the body is not valid JSON: " + e.getOriginalMessage().replace("Duplicate field", "duplicate key");
        }
        return "the body is not valid JSON";
    }

    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_exists";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 431 -> "header_too_large";
            default -> "error";
        };
    }

    static String kindFor(int status) {
        return switch (status) {
            case 400 -> "invalid request";
            case 403 -> "forbidden request";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "payload too large";
            case 414 -> "uri too long";
            case 415 -> "unsupported media type";
            case 431 -> "request header fields too large";
            default -> Response.Status.fromStatusCode(status) != null
                    ? Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase() : "error";
        };
    }
}
