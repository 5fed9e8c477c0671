package dev.relay.task.apikeys;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.ApiKeyDirectory;
import dev.relay.common.auth.ApiKeyOwner;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID>, ApiKeyDirectory {

    /** The user's keys, oldest first, revoked ones included. */
    public Uni<List<ApiKey>> ofUser(String org, String email) {
        return list("org = ?1 and userEmail = ?2", Sort.by("createdAt").and("id"), org, email);
    }

    /** Every member's keys of the organization, oldest first, revoked ones included. */
    public Uni<List<ApiKey>> ofOrg(String org) {
        return list("org = ?1", Sort.by("createdAt").and("id"), org);
    }

    /** The owner of the working key with this hash, noting its use. */
    @Override
    public Uni<ApiKeyOwner> ownerOf(String keyHash) {
        Instant now = Instant.now();
        // a read per request; a write (its own transaction) only when the last use noted is a minute old
        return Panache.withSession(() -> find("hash = ?1 and revokedAt is null", keyHash).firstResult()).chain(key -> {
            if (key == null || !key.worksAt(now)) {
                return Uni.createFrom().nullItem();
            }
            ApiKeyOwner owner = ApiKeyOwner.of(key.org, key.userEmail, key.scope);
            Instant noted = key.lastUsedAt;
            key.usedAt(now);
            if (key.lastUsedAt == noted) {
                return Uni.createFrom().item(owner);
            }
            return Panache.withTransaction(() -> update("lastUsedAt = ?1 where id = ?2", now, key.id)).replaceWith(owner);
        });
    }
}
