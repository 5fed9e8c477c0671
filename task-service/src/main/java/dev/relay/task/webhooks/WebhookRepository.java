package dev.relay.task.webhooks;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
class WebhookRepository implements PanacheRepositoryBase<Webhook, String> {
}
