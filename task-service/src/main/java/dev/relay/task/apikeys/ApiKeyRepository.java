package dev.relay.task.apikeys;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.ApiKeyDirectory;
import dev.relay.common.auth.Caller;
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

    @Override
    public Uni<Caller> ownerOf(String keyHash) {
        return Panache.withSession(() -> find("hash = ?1 and revokedAt is null", keyHash).firstResult())
                .map(key -> key == null ? null : Caller.ofApiKey(key.org, key.userEmail));
    }
}
