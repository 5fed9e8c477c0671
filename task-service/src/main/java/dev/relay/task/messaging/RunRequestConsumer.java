package dev.relay.task.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.task.runtime.RunExecutor;
import io.smallrye.mutiny.Uni;

/** Hands run requests to the runtime. The record is acknowledged once the run is claimed (durably active). */
@ApplicationScoped
public class RunRequestConsumer {

    private final RunExecutor executor;
    private final ObjectMapper json;

    public RunRequestConsumer(RunExecutor executor, ObjectMapper json) {
        this.executor = executor;
        this.json = json;
    }

    @Incoming(Channels.RUN_REQUESTS)
    public Uni<Void> onRunRequested(String payload) throws JsonProcessingException {
        RunRequested request = json.readValue(payload, RunRequested.class);
        return executor.start(request.streamId());
    }
}
