package dev.relay.stream.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.domain.TaskAccess;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TaskAccessRepository implements PanacheRepositoryBase<TaskAccess, UUID> {
}
