package dev.relay.stream.service;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.stream.config.StreamConfig;
import dev.relay.stream.domain.LogEnd;
import dev.relay.stream.domain.TaskAccess;
import dev.relay.stream.repository.StoredEventRepository;
import dev.relay.stream.repository.TaskAccessRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Decides whether a caller may stream a task, with the task service's visibility rules. A task created a moment
 * ago may not have reached this service yet, so an unknown task is awaited for a bounded time before it is a 404.
 */
@ApplicationScoped
public class StreamAccess {

    private static final Duration POLL = Duration.ofMillis(50);

    private final TaskAccessRepository access;
    private final StoredEventRepository events;
    private final StreamConfig config;
    private final Vertx vertx;

    public StreamAccess(TaskAccessRepository access, StoredEventRepository events, StreamConfig config, Vertx vertx) {
        this.access = access;
        this.events = events;
        this.config = config;
        this.vertx = vertx;
    }

    /** Where the task's log ends now, once the caller is known to be allowed to read it. */
    public Uni<LogEnd> authorize(Caller caller, String org, UUID taskId) {
        caller.requireOrg(org);
        long deadline = System.nanoTime() + config.unknownTaskWait().toNanos();
        return await(taskId, deadline).chain(found -> {
            if (found == null || !found.org.equals(org) || !found.isReadableBy(caller.org(), caller.email())) {
                return Uni.createFrom().failure(ApiException.notFound("task " + taskId + " not found"));
            }
            return events.end(taskId);
        });
    }

    private Uni<TaskAccess> await(UUID taskId, long deadline) {
        return access.find(taskId).chain(found -> {
            if (found != null || System.nanoTime() > deadline) {
                return Uni.createFrom().item(found);
            }
            return pause().chain(() -> await(taskId, deadline));
        });
    }

    /** A delay that resumes on the caller's Vert.x context. */
    private Uni<Void> pause() {
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(POLL.toMillis(), id -> emitter.complete(null)));
    }
}
