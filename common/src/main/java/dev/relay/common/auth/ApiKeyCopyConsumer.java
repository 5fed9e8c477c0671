package dev.relay.common.auth;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.ApiKeyChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;

/**
 * Keeps a service's copy of the API keys from the api-keys topic, idempotently by key id (a revoked key stays
 * revoked); the offset is committed once the change is stored. A service that accepts keys it does not own sets
 * {@code relay.api-keys.copy=true} (a build property), configures the {@code api-keys} channel and has the
 * {@code api_key} table.
 */
@ApplicationScoped
@IfBuildProperty(name = "relay.api-keys.copy", stringValue = "true")
public class ApiKeyCopyConsumer {

    private static final String CONSUMER = "api-key-copies";

    private final ApiKeyCopies keys;
    private final IdempotentConsumer consumer;

    public ApiKeyCopyConsumer(ApiKeyCopies keys, IdempotentConsumer consumer) {
        this.keys = keys;
        this.consumer = consumer;
    }

    @Incoming(Topics.API_KEYS)
    public Uni<Void> onChange(String payload) {
        ApiKeyChanged change = consumer.read(payload, ApiKeyChanged.class);
        return consumer.idempotent(CONSUMER, () -> keys.apply(change));
    }
}
