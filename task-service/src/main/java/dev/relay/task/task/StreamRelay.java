package dev.relay.task.task;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.client.SseEvent;

import io.smallrye.mutiny.Multi;

/**
 * A task's event stream as the stream service serves it, for the Neo create call in SSE mode: the one request
 * path that calls another service. The caller's credentials are passed on as they came, so the stream service
 * decides access itself.
 */
@ApplicationScoped
public class StreamRelay {

    private final StreamServiceClient streams;

    public StreamRelay(@RestClient StreamServiceClient streams) {
        this.streams = streams;
    }

    /**
     * The task's whole stream, which does not end before seq {@code through} (the last event the create wrote): the
     * stream service may not have stored it yet, and must not end the stream on an earlier run's last event. With
     * {@code untilRun} (a message queued behind a working run), nor before that run's last event.
     */
    public Multi<SseEvent<String>> events(String org, UUID taskId, long through, UUID untilRun, String authorization, String apiKey) {
        return streams.events(org, taskId, through, untilRun, authorization, apiKey);
    }
}
