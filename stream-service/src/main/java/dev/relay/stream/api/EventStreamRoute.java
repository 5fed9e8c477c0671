package dev.relay.stream.api;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.relay.common.auth.ApiKeyAuthentication;
import dev.relay.common.auth.ApiKeyCopies;
import dev.relay.common.auth.ApiKeys;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorMappers;
import dev.relay.common.ratelimit.OperationClass;
import dev.relay.common.ratelimit.RateLimiter;
import dev.relay.stream.config.StreamConfig;
import dev.relay.stream.service.OpenChecks;
import dev.relay.stream.service.StreamAccess;
import dev.relay.stream.sse.ConnectionLimits;
import dev.relay.stream.sse.SseWriter;
import dev.relay.stream.sse.TaskStreams;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/preview/agents/{org}/tasks/{taskId}/events/stream}: a task's events as Server-Sent Events, the
 * stored log after a position ({@code Last-Event-ID}, else {@code ?after=}), then live events until the run ends
 * (and not before the seq {@code ?through=} names is sent).
 * A Vert.x route rather than a JAX-RS resource, so events are written to the connection as they come, in batches,
 * without a reactive pipeline per event. Everything is decided before the first byte: 401, 404 (a task the caller
 * may not read), 429 (too many open streams), 204 (nothing left: the run ended and every event was seen), decided
 * from the stored log once it holds what the client saw (it may lag the live events a moment). A stream
 * ends when the token that opened it expires, or within a key check of the revocation of the API key that opened it.
 * Documented in {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class EventStreamRoute {

    static final String PATH = "/api/preview/agents/:org/tasks/:taskId/events/stream";
    private static final String KEY_HASH = "relay.api-key-hash";
    private static final String TOKEN_EXPIRY = "relay.token-expiry";
    private static final String CALLER = "relay.caller";
    private static final String SLOT = "relay.stream-slot";

    private final StreamAccess access;
    private final TaskStreams streams;
    private final ConnectionLimits limits;
    private final IdentityProviderManager identities;
    private final ApiKeyCopies keys;
    private final StreamConfig config;
    private final Clock clock;
    private final RateLimiter rateLimits;
    private final OpenChecks checks;

    public EventStreamRoute(StreamAccess access, TaskStreams streams, ConnectionLimits limits, IdentityProviderManager identities,
            ApiKeyCopies keys, StreamConfig config, Clock clock, RateLimiter rateLimits, OpenChecks checks) {
        this.checks = checks;
        this.access = access;
        this.streams = streams;
        this.limits = limits;
        this.identities = identities;
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        this.rateLimits = rateLimits;
    }

    void install(@Observes Router router) {
        router.get(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    private void handle(RoutingContext routing) {
        String org = routing.pathParam("org");
        Uni.createFrom().deferred(() -> {
                    UUID taskId = StreamRequests.parseTaskId(routing.pathParam("taskId"));
                    long position = StreamRequests.position(routing.request().getHeader("Last-Event-ID"),
                            routing.request().getParam("after"));
                    long through = StreamRequests.through(routing.request().getParam("through"));
                    UUID untilRun = StreamRequests.untilRun(routing.request().getParam("until_run"));
                    long needed = StreamStart.needed(position, through);
                    long firstLook = System.nanoTime();
                    // the whole first check in one turn: the opens waiting for theirs have not begun any work
                    return checks.inTurn(() -> QuarkusHttpUser.getSecurityIdentity(routing, identities).chain(identity -> {
                                Caller caller = Caller.from(identity);
                                remember(routing, identity, caller);
                                // counted before the access check, whose wait for an unknown task costs queries
                                return rateLimits.take(caller, OperationClass.STREAMS).chain(() -> access.look(caller, org, taskId));
                            }))
                            // an unknown task is looked for again outside this turn, each look in one of its own
                            .chain(end -> access.known(end, routing.get(CALLER), org, taskId, firstLook))
                            // the client saw (or was told of) a seq the log may not hold yet: decide once it does,
                            // holding one of the caller's stream slots while it waits
                            .chain(end -> end.lastSeq() >= needed ? Uni.createFrom().item(end)
                                    : takeSlot(routing).chain(() -> access.awaitLog(taskId, end, needed, () -> !routing.response().closed())))
                            // a resumed stream does not wait for a run (its end may be before the position); the relay's
                            // open has waited for the log to hold `through`, which holds its queued run's first event
                            .chain(end -> access.runOfTask(taskId, position == 0 ? untilRun : null)
                                    .map(run -> new StreamStart(taskId, position, through, run, end)))
                            // a stream about to open holds a slot (one taken for the wait above is kept)
                            .chain(start -> start.isFinished() || routing.get(SLOT) != null ? Uni.createFrom().item(start)
                                    : takeSlot(routing).replaceWith(start));
                })
                .subscribe().with(start -> open(routing, org, start), failure -> refuse(routing, failure));
    }

    private static void remember(RoutingContext routing, SecurityIdentity identity, Caller caller) {
        routing.put(CALLER, caller);
        routing.put(KEY_HASH, identity.getAttribute(ApiKeyAuthentication.KEY_HASH_ATTRIBUTE));
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            routing.put(TOKEN_EXPIRY, jwt.getExpirationTime());
        }
    }

    private void open(RoutingContext routing, String org, StreamStart start) {
        Caller caller = routing.get(CALLER);
        if (routing.response().closed()) {
            releaseSlot(routing); // the client left while its access was checked
            return;
        }
        if (start.isFinished()) {
            releaseSlot(routing);
            routing.response().setStatusCode(204).end();
            return;
        }
        String keyHash = routing.get(KEY_HASH);
        Long tokenExpiry = routing.get(TOKEN_EXPIRY);
        forgetCredentials(routing);
        Vertx vertx = routing.vertx();
        long[] timers = {-1, -1};
        Runnable stop = streams.open(start.taskId(), start.from(), new SseWriter(routing.response()), () -> {
            limits.release(caller);
            for (long timer : timers) {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
            }
        });
        if (keyHash != null) {
            // a key revoked while its stream is open ends the stream within one check
            timers[0] = vertx.setPeriodic(config.keyCheck().toMillis(), id -> keys.isValid(keyHash)
                    .subscribe().with(valid -> { if (!valid) { stop.run(); } }, failure -> { }));
        }
        if (tokenExpiry != null) {
            // the token's authority ends at its expiry, and so does what it opened
            timers[1] = vertx.setTimer(Math.max(1, tokenExpiry * 1000 - clock.millis()), id -> stop.run());
        }
    }

    /** One of the caller's stream slots, taken before the open is decided (it may wait for the log); or a 429. */
    private Uni<Void> takeSlot(RoutingContext routing) {
        return limits.tryAcquire(routing.get(CALLER)).chain(full -> {
            if (full != null) {
                return Uni.createFrom().failure(tooManyStreams(full));
            }
            routing.put(SLOT, Boolean.TRUE);
            return Uni.createFrom().voidItem();
        });
    }

    /** Gives back a slot taken before the open was decided, when no stream came of it. */
    private void releaseSlot(RoutingContext routing) {
        if (routing.remove(SLOT) != null) {
            limits.release(routing.get(CALLER));
        }
    }

    private ApiException tooManyStreams(String full) {
        return ApiException.tooManyRequests(full + "; close one or retry later", config.retry());
    }

    /**
     * An open stream keeps neither its credential nor what authenticated it (the identity, the token, the chain that
     * checked it): it may stay open for hours, thousands at once, and what it still needs was read out above.
     */
    private static void forgetCredentials(RoutingContext routing) {
        routing.remove(CALLER);
        routing.remove(SLOT);
        routing.remove(KEY_HASH);
        routing.remove(TOKEN_EXPIRY);
        routing.remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        routing.clearUser();
        routing.request().headers().remove(HttpHeaders.AUTHORIZATION).remove(ApiKeys.HEADER);
    }

    private void refuse(RoutingContext routing, Throwable failure) {
        releaseSlot(routing);
        Response answer = ErrorMappers.toResponse(failure);
        if (!routing.response().headWritten()) {
            answer.getStringHeaders().forEach((name, values) -> routing.response().putHeader(name, values));
            routing.response().setStatusCode(answer.getStatus()).putHeader("Content-Type", "application/json")
                    .end(Json.encode(answer.getEntity()));
        }
    }
}
