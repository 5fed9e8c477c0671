package dev.relay.task.repository;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.domain.Webhook;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class WebhookRepository implements PanacheRepositoryBase<Webhook, String> {
}
