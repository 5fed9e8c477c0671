package dev.relay.task.task;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.exception.ConstraintViolationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Idempotency-Key for calls that act on an existing task (respond, cancel): the first call claims the key, does
 * its work and keeps its answer; a retry with the same key and request gets that answer again, the same key with
 * another request is a 409, and a retry while the first call is still working is a 409 too. A claim whose call
 * died without an answer is given up after {@link #ABANDONED_AFTER}, so the key can be used again.
 */
@ApplicationScoped
public class IdempotentCalls {

    static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

    private final IdempotencyKeyRepository keys;
    private final ObjectMapper json;

    public IdempotentCalls(IdempotencyKeyRepository keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    /** Runs {@code call} once per key; without a key ({@code request} null), every time. */
    public <T> Uni<T> once(Caller caller, IdempotentRequest request, UUID taskId, Class<T> answerType, Supplier<Uni<T>> call) {
        if (request == null) {
            return call.get();
        }
        String key = request.key();
        var id = new IdempotencyKey.Key(caller.org(), caller.email(), key);
        return Panache.withTransaction(() -> keys.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(found -> {
                    if (found != null) {
                        return Uni.createFrom().item(earlierAnswer(found, request, answerType));
                    }
                    return keys.persist(IdempotencyKey.claim(id, taskId, request.fingerprint())).replaceWith(Uni.createFrom().<T>nullItem());
                }))
                .onFailure(ConstraintViolationException.class).transform(raced -> inFlight(key))
                .chain(earlier -> earlier != null ? Uni.createFrom().item(earlier) : call.get()
                        .call(answer -> Panache.withTransaction(() -> keys.findById(id)
                                .invoke(row -> row.response = write(answer))))
                        .onFailure().call(() -> Panache.withTransaction(() -> keys.delete("org = ?1 and userEmail = ?2 and key = ?3",
                                id.org, id.userEmail, id.key))));
    }

    /** A key used before must come with the same request: another one is a 409. */
    static void requireSameRequest(IdempotencyKey found, IdempotentRequest request) {
        if (!found.requestHash.equals(request.fingerprint())) {
            throw ApiException.conflict("idempotency_key_reused", "Idempotency-Key '" + request.key() + "' was used for a different request");
        }
    }

    private <T> T earlierAnswer(IdempotencyKey found, IdempotentRequest request, Class<T> answerType) {
        requireSameRequest(found, request);
        String key = request.key();
        if (found.response == null) {
            if (found.createdAt.isBefore(Instant.now().minus(ABANDONED_AFTER))) {
                throw ApiException.conflict("idempotency_key_abandoned", "the first request with Idempotency-Key '" + key
                        + "' did not finish; use a new key");
            }
            throw inFlight(key);
        }
        try {
            return json.readValue(found.response, answerType);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored answer for an idempotency key is malformed", e);
        }
    }

    private static ApiException inFlight(String key) {
        return ApiException.conflict("request_in_progress", "a request with Idempotency-Key '" + key + "' is still in progress");
    }

    private String write(Object answer) {
        try {
            return json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store the answer of an idempotent call", e);
        }
    }
}
