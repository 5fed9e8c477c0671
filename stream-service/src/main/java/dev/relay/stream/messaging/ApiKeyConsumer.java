package dev.relay.stream.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;


import dev.relay.common.event.ApiKeyChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import dev.relay.stream.service.ApiKeyCopies;
import io.smallrye.mutiny.Uni;

/**
 * Keeps this service's copy of the API keys, idempotently by key id (a revoked key stays revoked); the offset is
 * committed once the change is stored.
 */
@ApplicationScoped
public class ApiKeyConsumer {

    private static final String CONSUMER = "stream-service-api-keys";

    private final ApiKeyCopies keys;
    private final IdempotentConsumer consumer;

    public ApiKeyConsumer(ApiKeyCopies keys, IdempotentConsumer consumer) {
        this.keys = keys;
        this.consumer = consumer;
    }

    @Incoming(Topics.API_KEYS)
    public Uni<Void> onChange(String payload) {
        ApiKeyChanged change = consumer.read(payload, ApiKeyChanged.class);
        return consumer.idempotent(CONSUMER, () -> keys.apply(change));
    }
}
