package dev.relay.stream.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.event.ApiKeyChanged;
import dev.relay.common.event.Topics;
import dev.relay.stream.service.ApiKeyCopies;
import io.smallrye.mutiny.Uni;

/** Keeps this service's copy of the API keys; the offset is committed once the change is stored. */
@ApplicationScoped
public class ApiKeyConsumer {

    private final ApiKeyCopies keys;
    private final ObjectMapper json;

    public ApiKeyConsumer(ApiKeyCopies keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    @Incoming(Topics.API_KEYS)
    public Uni<Void> onChange(String payload) throws JsonProcessingException {
        return keys.apply(json.readValue(payload, ApiKeyChanged.class));
    }
}
