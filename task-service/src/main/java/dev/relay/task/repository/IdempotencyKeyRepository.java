package dev.relay.task.repository;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.domain.IdempotencyKey;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class IdempotencyKeyRepository implements PanacheRepositoryBase<IdempotencyKey, IdempotencyKey.Key> {
}
