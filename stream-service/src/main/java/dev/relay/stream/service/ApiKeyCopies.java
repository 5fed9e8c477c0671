package dev.relay.stream.service;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.ApiKeyDirectory;
import dev.relay.common.auth.Caller;
import dev.relay.common.event.ApiKeyChanged;
import dev.relay.stream.repository.ApiKeyCopyRepository;
import io.smallrye.mutiny.Uni;

/** The API keys this service accepts: a copy of what the task service announced on the api-keys topic. */
@ApplicationScoped
public class ApiKeyCopies implements ApiKeyDirectory {

    private final ApiKeyCopyRepository keys;

    public ApiKeyCopies(ApiKeyCopyRepository keys) {
        this.keys = keys;
    }

    public Uni<Void> apply(ApiKeyChanged change) {
        return keys.apply(change);
    }

    /** Whether the key is known and not revoked. */
    public Uni<Boolean> isValid(String keyHash) {
        return keys.ownerOf(keyHash).map(owner -> owner != null);
    }

    @Override
    public Uni<Caller> ownerOf(String keyHash) {
        return keys.ownerOf(keyHash);
    }
}
