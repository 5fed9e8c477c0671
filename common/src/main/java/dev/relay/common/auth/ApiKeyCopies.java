package dev.relay.common.auth;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ApiKeyChanged;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;

/**
 * The API keys a service other than the task service (which owns them) accepts: a copy of what the task service
 * announced on the api-keys topic, kept by {@link ApiKeyCopyConsumer}. Present where {@code relay.api-keys.copy=true}.
 */
@ApplicationScoped
@IfBuildProperty(name = "relay.api-keys.copy", stringValue = "true")
public class ApiKeyCopies implements ApiKeyDirectory {

    private final ApiKeyCopyRepository keys;

    public ApiKeyCopies(ApiKeyCopyRepository keys) {
        this.keys = keys;
    }

    public Uni<Void> apply(ApiKeyChanged change) {
        return keys.apply(change);
    }

    /** Whether the key is known, not revoked and not expired. */
    public Uni<Boolean> isValid(String keyHash) {
        return keys.ownerOf(keyHash).map(owner -> owner != null);
    }

    @Override
    public Uni<ApiKeyOwner> ownerOf(String keyHash) {
        return keys.ownerOf(keyHash);
    }
}
