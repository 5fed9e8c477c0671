package dev.relay.task.apikeys;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.ApiKeys;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.event.ApiKeyChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * A user's API keys: created (the key is answered once and never stored) and revoked. Each change is announced on
 * the api-keys topic in the same transaction, so every service that accepts keys learns of it.
 */
@ApplicationScoped
class ApiKeyService {

    /** A key just made: the stored record and the key itself, which is never shown again. */
    public record Created(ApiKey record, String key) {
    }

    private final ApiKeyRepository keys;
    private final Outbox outbox;

    ApiKeyService(ApiKeyRepository keys, Outbox outbox) {
        this.keys = keys;
        this.outbox = outbox;
    }

    public Uni<Created> create(Caller caller, String name, String scope, Instant expiresAt) {
        String key = ApiKeys.generate();
        ApiKey row = new ApiKey();
        row.id = UUID.randomUUID();
        row.org = caller.org();
        row.userEmail = caller.email();
        row.name = name;
        row.shown = key.substring(0, ApiKeys.SHOWN_CHARACTERS);
        row.hash = ApiKeys.hash(key);
        row.createdAt = Instant.now();
        row.scope = scope;
        row.expiresAt = expiresAt;
        return outbox.transaction(() -> keys.persist(row).chain(() -> announce(row)))
                .replaceWith(new Created(row, key));
    }

    /** The caller's keys; with {@code everyone}, every member's (admins only). */
    public Uni<List<ApiKey>> list(Caller caller, boolean everyone) {
        if (everyone) {
            caller.requireAdmin("list every member's API keys");
            return Panache.withSession(() -> keys.ofOrg(caller.org()));
        }
        return Panache.withSession(() -> keys.ofUser(caller.org(), caller.email()));
    }

    /**
     * Revokes a key of the caller's, or, for an admin, of any member of the organization; revoking it again changes
     * nothing. Any other key is a 404.
     */
    public Uni<Void> revoke(Caller caller, UUID id) {
        return outbox.transaction(() -> keys.findById(id).chain(row -> {
                    if (row == null || !row.org.equals(caller.org()) || !(row.userEmail.equals(caller.email()) || caller.isAdmin())) {
                        throw ApiException.notFound("API key " + id + " not found");
                    }
                    return row.revokeAt(Instant.now()) ? announce(row) : Uni.createFrom().voidItem();
                }));
    }

    private Uni<Void> announce(ApiKey row) {
        return outbox.add(Topics.API_KEYS, row.id.toString(), UUID.randomUUID(),
                new ApiKeyChanged(row.id, row.org, row.userEmail, row.hash, row.revokedAt, row.scope, row.expiresAt));
    }
}
